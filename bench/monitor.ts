/**
 * camgate's StreamMonitor vs one `ffmpeg -c copy -f null` per camera, watching N streams.
 * Memory = sum of PSS (/proc/PID/smaps_rollup), CPU = utime+stime over the same window.
 * Source: the site simulator (N cameras on 127.0.90.x, in this process, freeze via its fault
 * switch) or GStreamer's RTSP server (one shared media, N clients).
 * Usage: npx tsx bench/monitor.ts [--source sim|gst] [N...]   (default sim, 64 256)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { type SimSite, startSite } from '../fixtures/sim/site.js';
import type { StreamTarget } from '../src/streams/streamTarget.js';
import { GstServer } from '../test/streams/helpers/gstServer.js';
import { cpuTicks, pssKb } from './procStats.js';

const WARMUP_MS = 6000;
const WINDOW_MS = 10_000;
const STALL_SECONDS = 2;
const TICKS_PER_S = 100; // Linux USER_HZ

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function measure(
  pids: number[],
  beforePss?: () => Promise<void>,
): Promise<{ pssMb: number; cpuPct: number; measured: number }> {
  const t0 = pids.map(cpuTicks);
  await sleep(WINDOW_MS);
  const t1 = pids.map(cpuTicks);
  let ticks = 0;
  const survivors: number[] = [];
  pids.forEach((pid, i) => {
    const a = t0[i];
    const b = t1[i];
    if (a === undefined || b === undefined) return;
    ticks += b - a;
    survivors.push(pid);
  });
  await beforePss?.();
  const pss = survivors.reduce((sum, pid) => sum + pssKb(pid), 0);
  return {
    pssMb: pss / 1024,
    cpuPct: (ticks / TICKS_PER_S / (WINDOW_MS / 1000)) * 100,
    measured: survivors.length,
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Where the N streams come from: targets for camgate, URLs (with userinfo) for ffmpeg, a freeze switch. */
interface Source {
  targets(n: number): StreamTarget[];
  ffmpegUrls(n: number): string[];
  freeze(n: number): Promise<void>;
  thaw(n: number): Promise<void>;
  close(): Promise<void>;
}

function target(cameraId: string, url: string, credential?: StreamTarget['credential']): StreamTarget {
  return { cameraId, url, credential, mode: 'continuous', intervalSeconds: 60, durationSeconds: 10 };
}

async function gstSource(): Promise<Source> {
  const server = await GstServer.start({ width: 640, height: 360, fps: 15, keyint: 30 });
  return {
    targets: (n) => Array.from({ length: n }, (_, i) => target(`cam-${i}`, server.url)),
    ffmpegUrls: (n) => Array.from({ length: n }, () => server.url),
    freeze: async () => {
      await server.freeze();
    },
    thaw: async () => {
      await server.thaw();
    },
    close: () => server.close(),
  };
}

async function simSource(max: number): Promise<Source> {
  const site: SimSite = await startSite({
    cameras: Array.from({ length: max }, (_, i) => ({
      kind: (['overview', 'panoramic', 'lpr'] as const)[i % 3] ?? 'overview',
    })),
    baseAddress: '127.0.90.1',
    rtspPort: 28554,
    onvifPort: 28080,
    discovery: false,
  });
  const credential = { username: site.username, password: site.password, allowBasic: false };
  const cams = (n: number) => site.cameras.slice(0, n);
  const withUserinfo = (url: string): string => {
    const u = new URL(url);
    u.username = site.username;
    u.password = site.password;
    return u.toString();
  };
  return {
    targets: (n) => cams(n).map((c) => target(c.id, c.rtspSubUrl, credential)),
    ffmpegUrls: (n) => cams(n).map((c) => withUserinfo(c.rtspSubUrl)),
    freeze: async (n) => {
      for (const c of cams(n)) c.setFault('freeze', true);
    },
    thaw: async (n) => {
      for (const c of cams(n)) c.setFault('freeze', false);
    },
    close: () => site.stop(),
  };
}

async function camgate(source: Source, n: number, withStall: boolean) {
  const file = join(tmpdir(), `camgate-bench-targets-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(source.targets(n)), { mode: 0o600 });
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', 'bench/monitorWorker.ts', file, String(STALL_SECONDS)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
  let status = { pid: 0, connected: 0, packets: 0 };
  let stalls: number[] | undefined;
  lines.on('line', (line) => {
    const msg = JSON.parse(line) as {
      type: string;
      pid: number;
      connected: number;
      packets: number;
      latenciesMs: number[];
    };
    if (msg.type === 'status') status = msg;
    if (msg.type === 'stalls') stalls = msg.latenciesMs;
  });
  await sleep(WARMUP_MS);
  const figures = await measure([status.pid], async () => {
    child.stdin?.write('gc\n');
    await sleep(300);
  });
  const result = { ...figures, connected: status.connected };
  let stall: { p50: number; p95: number; detected: number } | undefined;
  if (withStall) {
    await source.freeze(n);
    child.stdin?.write(`freeze ${Date.now()}\n`);
    while (stalls === undefined) await sleep(200);
    stall = { p50: percentile(stalls, 50), p95: percentile(stalls, 95), detected: stalls.length };
    await source.thaw(n);
  }
  child.stdin?.write('quit\n');
  await new Promise((r) => child.once('exit', r));
  return { ...result, stall };
}

async function ffmpegs(source: Source, n: number) {
  const urls = source.ffmpegUrls(n);
  const children: ChildProcess[] = [];
  const errors = new Map<number, string>();
  // Staggered like the monitor's jittered starts: a 256-connection storm is not what we measure.
  for (let i = 0; i < n; i++) {
    children.push(
      spawn(
        'ffmpeg',
        [
          '-nostdin',
          '-loglevel',
          'error',
          '-rtsp_transport',
          'tcp',
          '-timeout',
          '10000000',
          '-i',
          urls[i] ?? '',
          '-c',
          'copy',
          '-f',
          'null',
          '-',
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      ),
    );
    const child = children[children.length - 1];
    child?.stderr?.on('data', (d: Buffer) => {
      errors.set(child.pid ?? 0, d.toString().trim().split('\n').at(-1) ?? '');
    });
    if (i % 16 === 15) await sleep(250);
  }
  await sleep(WARMUP_MS + n * 20);
  const alive = children.filter((c) => c.exitCode === null && c.pid !== undefined);
  const figures = await measure(alive.map((c) => c.pid as number));
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGKILL');
        }),
    ),
  );
  const reasons = [...new Set(errors.values())].slice(0, 3);
  return { ...figures, alive: figures.measured, reasons };
}

const { values, positionals } = parseArgs({
  options: { source: { type: 'string', default: 'sim' } },
  allowPositionals: true,
});
const counts = positionals.map(Number).filter((n) => n > 0);
const ns = counts.length > 0 ? counts : [64, 256];
const source = values.source === 'gst' ? await gstSource() : await simSource(Math.max(...ns));
console.log(`source: ${values.source}`);
try {
  const base = await camgate(source, 0, false);
  console.log(`camgate idle process: PSS ${base.pssMb.toFixed(1)} MB, CPU ${base.cpuPct.toFixed(1)} %`);
  for (const n of ns) {
    const cg = await camgate(source, n, true);
    const marginalKb = ((cg.pssMb - base.pssMb) * 1024) / n;
    console.log(
      `N=${n} camgate: PSS ${cg.pssMb.toFixed(1)} MB (${marginalKb.toFixed(0)} KB/camera marginal), CPU ${cg.cpuPct.toFixed(1)} %, ` +
        `connected ${cg.connected}/${n}; stall detect (stallSeconds=${STALL_SECONDS}) p50 ${cg.stall?.p50} ms p95 ${cg.stall?.p95} ms (${cg.stall?.detected}/${n})`,
    );
    const ff = await ffmpegs(source, n);
    console.log(
      `N=${n} ffmpeg:  PSS ${ff.pssMb.toFixed(1)} MB (${((ff.pssMb * 1024) / Math.max(ff.alive, 1)).toFixed(0)} KB/camera), ` +
        `CPU ${ff.cpuPct.toFixed(1)} %, ${ff.alive}/${n} processes alive through the window${ff.reasons.length > 0 ? `; ffmpeg said: ${ff.reasons.join(' | ')}` : ''}`,
    );
  }
} finally {
  await source.close();
}
