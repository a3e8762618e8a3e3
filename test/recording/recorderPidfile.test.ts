import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PIDFILE, reapLeftoverRecorder, writePidfile } from '../../src/recording/recorderPidfile.js';
import { silentLog } from '../../src/shared/log.js';
import { processAlive, tempDir, until } from './simHelpers.js';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.pid && processAlive(c.pid)) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('leftover recorder of a SIGKILLed daemon', () => {
  it('is killed before a new recorder starts in the same directory', async () => {
    const dir = tempDir('camgate-orphan-');
    dirs.push(dir);
    // Stands in for the previous boot's recorder: an ffmpeg writing segments into `dir`.
    const leftover = spawn(
      'ffmpeg',
      [
        '-nostdin',
        '-loglevel',
        'error',
        '-re',
        '-f',
        'lavfi',
        '-i',
        'testsrc2=size=160x120:rate=5',
        '-f',
        'segment',
        '-segment_time',
        '2',
        `${dir}/%03d.ts`,
      ],
      { stdio: 'ignore' },
    );
    children.push(leftover);
    const pid = leftover.pid ?? 0;
    await writePidfile(dir, pid);
    await until(
      () => (fs.readdirSync(dir).some((n) => n.endsWith('.ts')) ? true : undefined),
      10_000,
      'leftover writing',
    );
    expect(await reapLeftoverRecorder(dir, silentLog())).toBe(pid);
    await until(() => (processAlive(pid) ? undefined : true), 5000, 'leftover gone');
  });

  it('never touches a process that is not our ffmpeg (recycled PID)', async () => {
    const dir = tempDir('camgate-orphan-');
    dirs.push(dir);
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(other);
    await writePidfile(dir, other.pid ?? 0);
    expect(await reapLeftoverRecorder(dir, silentLog())).toBeUndefined();
    expect(processAlive(other.pid ?? 0)).toBe(true);
    expect(fs.existsSync(path.join(dir, PIDFILE))).toBe(true);
  });

  it('does nothing without a pidfile', async () => {
    const dir = tempDir('camgate-orphan-');
    dirs.push(dir);
    expect(await reapLeftoverRecorder(dir, silentLog())).toBeUndefined();
  });
});
