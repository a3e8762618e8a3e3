import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Centre, dedupe } from './helpers/centre.js';
import { cleanupAll } from './helpers/cleanup.js';
import { Broker } from './helpers/mosquitto.js';

const SCRIPT = path.join(import.meta.dirname, 'fixtures', 'uplinkProcess.ts');
let broker: Broker | undefined;
let centre: Centre | undefined;
const children: ChildProcess[] = [];
let dir: string | undefined;

afterEach(async () => {
  const [c, b, d] = [centre, broker, dir];
  centre = undefined;
  broker = undefined;
  dir = undefined;
  const kills = children.splice(0).map((child) => () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGKILL');
    }
  });
  await cleanupAll([
    ...kills,
    () => b?.dispose(),
    () => c?.close(),
    () => d && fs.rmSync(d, { recursive: true, force: true }),
  ]);
});

function runUplink(db: string, url: string, count: number, rate: number): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, db, url, String(count), String(rate)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return child;
}

describe('kill -9 mid-replay', () => {
  it('resumes after a restart with nothing lost, and the LWT reports the gateway lost', async () => {
    broker = await Broker.start();
    centre = await Centre.connect(broker.url);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-kill-'));
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
