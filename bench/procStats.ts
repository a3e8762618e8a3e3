import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** A file of /proc/PID, or undefined once the process has exited. */
export function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return undefined;
    throw err;
  }
}

/** utime + stime in clock ticks; undefined once the process has exited. */
export function cpuTicks(pid: number): number | undefined {
  const stat = readProc(pid, 'stat');
  if (stat === undefined) return undefined;
  // Fields after the ")" of comm: utime is field 14, stime 15 (1-based) → indexes 11, 12 after the split.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Proportional set size in kB (shared pages split between their users); 0 once exited. */
export function pssKb(pid: number): number {
  return pssPartKb(pid, 'Pss');
}

/**
 * One line of smaps_rollup in kB: `Pss_Anon` is the process's own memory (V8 heap, malloc);
 * `Pss_File` is mostly the node binary's pages, split between every process that maps them, so
 * it moves with how many other node processes the box runs (6-42 MB for the same idle daemon in
 * session 8), not with the daemon. `Pss_Shmem` (not read) makes up the rest of `Pss`; a kernel
 * older than 5.x without these lines reads 0 for both parts.
 */
export function pssPartKb(pid: number, field: 'Pss' | 'Pss_Anon' | 'Pss_File'): number {
  const line = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm');
  return Number(line.exec(readProc(pid, 'smaps_rollup') ?? '')?.[1] ?? 0);
}

export interface SimProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Each camera's main RTSP URL, as the simulator printed it. */
  readonly urls: string[];
  /** Each camera's sub-stream RTSP URL, in the same order. */
  readonly subUrls: string[];
}

/**
 * The site simulator as its own process (`fixtures/sim/main.ts` with `args`), so its CPU and
 * memory are measured apart from ours; resolves once it printed `ready`.
 */
export async function startSimProcess(args: readonly string[]): Promise<SimProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'fixtures/sim/main.ts', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const urls: string[] = [];
  const subUrls: string[] = [];
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`simulator exited ${code}`)));
    lines.on('line', (line) => {
      if (line === 'ready') resolve();
      else {
        const camera = JSON.parse(line) as { rtspMainUrl: string; rtspSubUrl: string };
        urls.push(camera.rtspMainUrl);
        subUrls.push(camera.rtspSubUrl);
      }
    });
  });
  return { child, pid: child.pid ?? 0, urls, subUrls };
}
