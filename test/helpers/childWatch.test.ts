import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { ChildWatch } from './childWatch.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A shell that prints to stderr, then runs `then` (e.g. aborts itself, as a failed g_assert does). */
function shell(then: string): ChildWatch {
  const child = spawn('sh', ['-c', `echo "line one" >&2; echo "assertion failed: (FALSE)" >&2; ${then}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const watch = new ChildWatch(child, 'test peer', 5);
  cleanups.push(() => watch.kill());
  return watch;
}

describe('ChildWatch', () => {
  it('reports a death on its own with the signal and the last stderr lines', async () => {
    const watch = shell('kill -ABRT $$');
    const err = await watch.died;
    expect(err.message).toMatch(/^test peer \(pid \d+\) died on its own with signal SIGABRT/);
    expect(err.message).toContain('line one\nassertion failed: (FALSE)');
    expect(() => watch.assertAlive()).toThrow(/SIGABRT/);
  });

  it('fails a pending wait at once when the process dies', async () => {
    const watch = shell('exit 3');
    const never = new Promise<void>(() => undefined);
    await expect(watch.whileAlive(never)).rejects.toThrow(
      /died on its own with code 3[\s\S]*assertion failed/,
    );
  });

  it('keeps only the last lines of stderr', async () => {
    const watch = shell('for i in 1 2 3 4 5 6 7; do echo "tail $i" >&2; done; exit 1');
    await watch.died;
    expect(watch.stderrTail()).toEqual(['tail 3', 'tail 4', 'tail 5', 'tail 6', 'tail 7']);
  });

  it('does not report an exit the test asked for', async () => {
    const watch = shell('sleep 30');
    await watch.kill();
    expect(watch.deathMessage()).toBeUndefined();
    await expect(watch.close()).resolves.toBeUndefined();
  });

  it('close() rejects with the report when the process had died on its own', async () => {
    const watch = shell('exit 7');
    await watch.exited;
    await expect(watch.close()).rejects.toThrow(/died on its own with code 7/);
  });
});
