import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../helpers/tempDir.js';
import { deferCleanup } from '../helpers/testCleanup.js';
import { dedupe } from './helpers/centre.js';
import { useBroker, useCentre } from './helpers/rig.js';

const SCRIPT = path.join(import.meta.dirname, 'fixtures', 'uplinkProcess.ts');

function runUplink(db: string, url: string, count: number, rate: number): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, db, url, String(count), String(rate)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  deferCleanup(() => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGKILL');
    }
  });
  return child;
}

describe('kill -9 mid-replay', () => {
  it('resumes after a restart with nothing lost, and the LWT reports the gateway lost', async () => {
    const broker = await useBroker();
    const centre = await useCentre(broker.url);
    const dir = useTempDir('camgate-kill-');
    const total = 20_000;
    const c = centre;
    const first = runUplink(dir, broker.url, total, 2000);
    await c.waitFor(() => c.events().length >= 3000, '3000 events from the first process', 30_000);
    expect(first.pid).toBeDefined();
    process.kill(first.pid ?? 0, 'SIGKILL');
    await c.waitFor(
      () => c.on('/status').some((m) => (m.json as { state?: string }).state === 'lost'),
      'the LWT',
    );
    const got = dedupe(c.events()).length;
    expect(got).toBeLessThan(total);

    runUplink(dir, broker.url, 0, 0);
    await c.waitFor(() => dedupe(c.events()).length >= total, 'the rest after the restart', 60_000);
    const unique = dedupe(c.events());
    expect(unique.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(unique.every((e) => e.historical === true)).toBe(true);
    const states = c.on('/status').map((m) => (m.json as { state: string }).state);
    expect(states.lastIndexOf('online')).toBeGreaterThan(states.indexOf('lost'));
  }, 120_000);
});
