import fs from 'node:fs/promises';
import path from 'node:path';
import type { Log } from '../shared/log.js';

/**
 * A daemon killed with SIGKILL (OOM killer, power-cycled watchdog) cannot stop its ffmpeg
 * children; they keep recording, and the next daemon would start a second recorder into the
 * same directory. Each recorder's PID is kept in its camera directory; before starting, a
 * leftover is killed, but only when /proc shows it is an ffmpeg writing into that directory,
 * so a recycled PID of an unrelated process is never touched.
 */
export const PIDFILE = '.recorder.pid';

export async function writePidfile(dir: string, pid: number): Promise<void> {
  await fs.writeFile(path.join(dir, PIDFILE), `${pid}\n`);
}

export async function removePidfile(dir: string): Promise<void> {
  await fs.rm(path.join(dir, PIDFILE), { force: true });
}

/** Kills a previous boot's recorder for `dir`, if one is still running; returns its PID. */
export async function reapLeftoverRecorder(dir: string, log: Log): Promise<number | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, PIDFILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const pid = Number.parseInt(text.trim(), 10);
  if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) return undefined;
  if (!(await isOurRecorder(pid, dir))) return undefined;
  try {
    process.kill(pid, 'SIGKILL');
    log.warn({ pid }, 'killed a recorder left running by a previous daemon');
    return pid;
  } catch (err) {
    log.debug({ err, pid }, 'leftover recorder already gone');
    return undefined;
  }
}

async function isOurRecorder(pid: number, dir: string): Promise<boolean> {
  try {
    const argv = (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    const isFfmpeg = path.basename(argv[0] ?? '').startsWith('ffmpeg');
    return isFfmpeg && argv.some((a) => a.startsWith(`${dir}/`));
  } catch (err) {
    // No such process: nothing to reap.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
