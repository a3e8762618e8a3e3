import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { controlRequest } from '../../src/cli/controlClient.js';
import { systemClock } from '../../src/shared/clock.js';
import { camgateBin, cliBuilt, repoRoot } from '../helpers/cli.js';
import { useSimProcess } from '../helpers/simProcess.js';

const isRoot = process.getuid?.() === 0;
const FLOOD = path.join(import.meta.dirname, 'fixtures', 'helloFlood.ts');
const steps: (() => unknown)[] = [];
afterEach(async () => {
  for (const s of steps.splice(0).reverse()) {
    try {
      await s();
    } catch (err) {
      process.stderr.write(`cleanup: ${String(err)}\n`);
    }
  }
});

function inNs(ns: string, argv: string[]): ChildProcess {
  const child = spawn('ip', ['netns', 'exec', ns, ...argv], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  steps.push(async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      const gone = new Promise((r) => child.once('exit', r));
      process.kill(child.pid, 'SIGTERM');
      await Promise.race([gone, systemClock.sleep(10_000)]);
    }
  });
  return child;
}

function lines(child: ChildProcess): string[] {
  const out: string[] = [];
  if (child.stdout) createInterface({ input: child.stdout }).on('line', (l) => out.push(l));
  if (child.stderr) createInterface({ input: child.stderr }).on('line', (l) => out.push(l));
  return out;
}

async function until(
  what: string,
  pred: () => boolean | Promise<boolean>,
  ms: number,
  ctx: () => string,
): Promise<void> {
  const end = systemClock.monotonic() + ms;
  while (!(await pred())) {
    if (systemClock.monotonic() > end) throw new Error(`timed out: ${what}\n${ctx()}`);
    await systemClock.sleep(200);
  }
}

function percentiles(ms: readonly number[]): { n: number; p50: number; p95: number; max: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number): number =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), max: Math.round(sorted[sorted.length - 1] ?? 0) };
}

type Status = {
  cameras: Array<{ cameraId: string; status: string }>;
  discovery: { hellos: Record<string, number> };
  eventLoop: { perSecond: Array<{ at: string; maxMs: number }> };
};
const real = (s: Status | undefined) => s?.cameras.find((c) => c.cameraId === 'real-1');

describe.skipIf(!isRoot || !cliBuilt)(
  'a Hello flood on the camera LAN (own network namespace; root; built CLI)',
  () => {
    it('10,000 Hellos from 500 sources: control API < 200 ms, interrogations within the limit, the real camera stays online', async () => {
      const ns = `cgflood-${randomBytes(3).toString('hex')}`;
      execFileSync('ip', ['netns', 'add', ns]);
      steps.push(() => execFileSync('ip', ['netns', 'del', ns]));
      execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'multicast', 'on', 'up']);
      execFileSync('ip', ['-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', 'lo']);

      const [cam] = (
        await useSimProcess(
          ['--cameras', '1', '--base', '127.0.5.1', '--no-discovery', '--password', 'Flood-Cam-1'],
          {
            ns,
          },
        )
      ).cameras;

      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-flood-'));
      steps.push(() => fs.rmSync(dir, { recursive: true, force: true }));
      const socket = path.join(dir, 'control.sock');
      const configPath = path.join(dir, 'camgate.yaml');
      fs.writeFileSync(
        configPath,
        [
          'site: { id: flood-site }',
          'gateway: { id: gw-flood }',
          `storage: { path: ${dir}/state }`,
          `control: { socket: ${socket} }`,
          'discovery: { interfaces: [lo], multicast: true, ports: [80], probeWindowSeconds: 1, hello: { perSourceSeconds: 600, perMinute: 20, maxInFlight: 4 } }',
          'mqtt: { url: "mqtt://127.0.0.1:1" }',
          'health: { stallSeconds: 3, hysteresisSeconds: 0 }',
          `cameras: [{ id: real-1, rtsp: "${cam?.rtspMainUrl}", class: overview }]`,
          'credentials: [{ match: real-1, username: admin, password: Flood-Cam-1 }]',
        ].join('\n'),
      );
      const daemon = inNs(ns, [process.execPath, camgateBin, 'run', '--config', configPath]);
      const logs = lines(daemon);
      const tail = (): string => logs.slice(-40).join('\n');
      const status = async (): Promise<Status> =>
        (await controlRequest(socket, 'GET', '/status', undefined, 5000)) as Status;
      await until(
        'camera online',
        async () => real(await status().catch(() => undefined))?.status === 'online',
        60_000,
        tail,
      );

      // The same requests for 5 s before the flood: what this box's load alone costs right now.
      const quiet: number[] = [];
      for (let i = 0; i < 25; i += 1) {
        const t0 = systemClock.monotonic();
        await status();
        quiet.push(systemClock.monotonic() - t0);
        await systemClock.sleep(200);
      }

      const floodFrom = new Date().toISOString();
      const flood = inNs(ns, [process.execPath, '--import', 'tsx', FLOOD, '10000', '500', '10000', '15000']);
      const floodOut = lines(flood);
      const floodDone = new Promise<void>((resolve) => flood.once('exit', () => resolve()));
      const latencies: number[] = [];
      let boardSize = 0;
      const statuses: string[] = [];
      let finished = false;
      void floodDone.then(() => {
        finished = true;
      });
      while (!finished) {
        const t0 = systemClock.monotonic();
        const s = await status();
        latencies.push(systemClock.monotonic() - t0);
        statuses.push(real(s)?.status ?? '?');
        boardSize = s.cameras.length;
        await systemClock.sleep(200);
      }
      const figures = JSON.parse(floodOut.find((l) => l.startsWith('{')) ?? '{}') as {
        sent: number;
        connections: number;
        interrogated: number;
      };
      const after = await status();
      const hellos = after.discovery.hellos;
      // The daemon's own measure (status --json eventLoop): its longest block in each second of the flood.
      const blocks = after.eventLoop.perSecond.filter((x) => x.at >= floodFrom).map((x) => x.maxMs);
      const loop = percentiles(blocks);
      process.stderr.write(
        `hello flood: ${JSON.stringify({ ...figures, control: percentiles(latencies), quiet: percentiles(quiet), loop, boardSize, hellos })}\n`,
      );
      expect(figures.sent).toBe(10_000);
      // 25 s of flood and listening: at most 20 admitted per minute, i.e. 20 (a second minute would allow 40).
      expect(figures.interrogated).toBeGreaterThan(0);
      expect(figures.interrogated).toBeLessThanOrEqual(20);
      expect(hellos.admit).toBeLessThanOrEqual(20);
      // Responsive: the typical answer under the flood stays under 200 ms, and the daemon's loop
      // is never blocked for long. Tails measured from a client on a shared 2-core box are the
      // box's, not the daemon's (a neighbouring test file pushed p95 to 202–463 ms with p50 7 ms
      // and loop blocks far below): bounded loosely here, against the same requests before the
      // flood; the figures are printed above.
      const lat = percentiles(latencies);
      const calm = percentiles(quiet);
      expect(lat.p50).toBeLessThan(200);
      expect(loop.n).toBeGreaterThanOrEqual(5);
      expect(loop.p95).toBeLessThan(200);
      expect(lat.p95).toBeLessThan(Math.max(500, 4 * calm.p95));
      // A daemon blocked by the flood shows as seconds; one late answer on a loaded box as < 1 s.
      expect(lat.max).toBeLessThan(Math.max(2000, 4 * calm.max));
      expect(
        statuses.every((s) => s === 'online'),
        [...new Set(statuses)].join(','),
      ).toBe(true);
      expect(tail()).not.toContain('Flood-Cam-1');
    }, 180_000);
  },
);
