import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { systemClock } from '../../src/shared/clock.js';
import { repoRoot } from './cli.js';
import { deferCleanup } from './testCleanup.js';

/** One line of `npm run sim`'s stdout: a simulated camera. */
export interface SimCameraLine {
  id: string;
  kind: string;
  address: string;
  xaddr: string;
  rtspMainUrl: string;
  rtspSubUrl: string;
  [field: string]: string;
}

export interface SimProcess {
  readonly child: ChildProcess;
  /** The cameras it printed before `ready`. */
  readonly cameras: SimCameraLine[];
  /** Every stdout and stderr line so far (for a failure's context). */
  readonly output: string[];
}

/**
 * The site simulator as its own process (`fixtures/sim/main.ts` with `args`), inside the network
 * namespace `ns` when given: resolves once it prints `ready`, and stops it (SIGTERM by PID) when
 * the test ends. Rejects with its output if it exits first or is not ready within `readyMs`.
 */
export async function useSimProcess(
  args: readonly string[],
  opts: { ns?: string; readyMs?: number } = {},
): Promise<SimProcess> {
  const argv = [process.execPath, '--import', 'tsx', 'fixtures/sim/main.ts', ...args];
  const [cmd, ...rest] = opts.ns === undefined ? argv : ['ip', 'netns', 'exec', opts.ns, ...argv];
  const child = spawn(cmd ?? '', rest, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  deferCleanup(() => stopChild(child));
  const output: string[] = [];
  createInterface({ input: child.stderr }).on('line', (l) => output.push(l));
  const stdout: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const fail = (why: string): void => reject(new Error(`sim ${why}:\n${output.join('\n')}`));
    const timer = systemClock.setTimeout(() => fail('not ready in time'), opts.readyMs ?? 30_000);
    child.once('exit', (code) => {
      timer.cancel();
      fail(`exited early with ${code}`);
    });
    createInterface({ input: child.stdout }).on('line', (l) => {
      output.push(l);
      stdout.push(l);
      if (l !== 'ready') return;
      timer.cancel();
      resolve();
    });
  });
  const cameras = stdout.slice(0, stdout.indexOf('ready')).map((l) => JSON.parse(l) as SimCameraLine);
  return { child, cameras, output };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(child.pid, 'SIGTERM');
  await Promise.race([exited, systemClock.sleep(10_000)]);
}
