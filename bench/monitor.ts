/**
 * camgate's StreamMonitor vs one `ffmpeg -c copy -f null` per camera, watching N streams.
 * Memory = sum of PSS (/proc/PID/smaps_rollup), CPU = utime+stime over the same window.
 * Source: GStreamer's RTSP server (one shared media, N clients), or the site simulator later.
 * Usage: npx tsx bench/monitor.ts [N...]   (default 64 256)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { GstServer } from '../test/streams/helpers/gstServer.js';

const WARMUP_MS = 6000;
const WINDOW_MS = 10_000;
const STALL_SECONDS = 2;
const TICKS_PER_S = 100; // Linux USER_HZ

/** undefined once the process has exited (an ffmpeg that gave up is left out, and counted). */
function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ESRCH')
      return undefined;
    throw err;
  }
}

function pssKb(pid: number): number {
  const m = /^Pss:\s+(\d+) kB/m.exec(readProc(pid, 'smaps_rollup') ?? '');
  return m ? Number(m[1]) : 0;
}

function cpuTicks(pid: number): number | undefined {
  const stat = readProc(pid, 'stat');
  if (stat === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

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

async function camgate(server: GstServer, n: number, withStall: boolean) {
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      'tsx',
      'bench/monitorWorker.ts',
      server.url,
      String(n),
      String(STALL_SECONDS),
    ],
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
    await server.freeze();
    child.stdin?.write(`freeze ${Date.now()}\n`);
    while (stalls === undefined) await sleep(200);
    stall = { p50: percentile(stalls, 50), p95: percentile(stalls, 95), detected: stalls.length };
    await server.thaw();
  }
  child.stdin?.write('quit\n');
  await new Promise((r) => child.once('exit', r));
  return { ...result, stall };
}

async function ffmpegs(server: GstServer, n: number) {
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
          server.url,
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

const counts = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const server = await GstServer.start({ width: 640, height: 360, fps: 15, keyint: 30 });
try {
  const base = await camgate(server, 0, false);
  console.log(`camgate idle process: PSS ${base.pssMb.toFixed(1)} MB, CPU ${base.cpuPct.toFixed(1)} %`);
  for (const n of counts.length > 0 ? counts : [64, 256]) {
    const cg = await camgate(server, n, true);
    const marginalKb = ((cg.pssMb - base.pssMb) * 1024) / n;
    console.log(
      `N=${n} camgate: PSS ${cg.pssMb.toFixed(1)} MB (${marginalKb.toFixed(0)} KB/camera marginal), CPU ${cg.cpuPct.toFixed(1)} %, ` +
        `connected ${cg.connected}/${n}; stall detect (stallSeconds=${STALL_SECONDS}) p50 ${cg.stall?.p50} ms p95 ${cg.stall?.p95} ms (${cg.stall?.detected}/${n})`,
    );
    const ff = await ffmpegs(server, n);
    console.log(
      `N=${n} ffmpeg:  PSS ${ff.pssMb.toFixed(1)} MB (${((ff.pssMb * 1024) / Math.max(ff.alive, 1)).toFixed(0)} KB/camera), ` +
        `CPU ${ff.cpuPct.toFixed(1)} %, ${ff.alive}/${n} processes alive through the window${ff.reasons.length > 0 ? `; ffmpeg said: ${ff.reasons.join(' | ')}` : ''}`,
    );
  }
} finally {
  await server.kill();
}
