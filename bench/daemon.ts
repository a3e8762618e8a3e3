/**
 * The shipped daemon (`node bin/camgate.js run`, built dist/) watching N static RTSP cameras, with
 * health, store and the MQTT uplink to a real Mosquitto on, recording off; against the ffmpeg
 * fleet (`ffmpeg -rtsp_transport tcp -i URL -c copy -f null -` per stream) on the same streams.
 * Sources: simulator shards of ≤256 cameras (bench/simHost.ts, own processes) and, from N ≥ 8,
 * eight clients of one GStreamer RTSP server (fixtures/gst/rtsp_server.py).
 * Usage: npx tsx bench/daemon.ts [--n 0,64,256,1024] [--ffmpeg-max 256] [--stall-seconds 3]
 *        [--window 10] [--warmup 30] [--reconnect-from 1024] [--bin bin/camgate.js]
 *        [--cpu-prof DIR] [--only reconnect|status] [--reconnects 1] [--picture on|off]
 *        [--status-bin OTHER] [--idle-settle 3] [--block-probe]
 *        (--bin: another build's bin/camgate.js with its dist/ beside it, for before/after runs;
 *        --status-bin: another build's CLI also timed, alternating, against the same daemon;
 *        --cpu-prof: the daemon writes a V8 CPU profile of its whole run into DIR, and the bench
 *        prints each broker restart's CLOCK_MONOTONIC µs for bench/longTasks.ts;
 *        --only reconnect: skip the CPU window, status latency and stall phases, and restart the
 *        broker --reconnects times (the loop-block figure alone, ~1 min at N=1024); --only status:
 *        the CPU window and the status latency, no stall or reconnect phase;
 *        --warmup: seconds each side runs before its window (the daemon's JIT settles; ffmpeg has none);
 *        --picture off: `picture.enabled: false` in the daemon's config, no ffmpeg children;
 *        --idle-settle: seconds the N = 0 daemon runs before its window, 3 by default. V8's memory
 *        reducer gives back the young generation the start grew (~10 MB) about 16 s after the
 *        start, so the default window shows the idle daemon just before it; 30 shows it after;
 *        --block-probe: the daemon preloads bench/blockProbe.mjs; each restart then also reports its
 *        longest loop block with the daemon's CPU time inside it, and its longest GC pause)
 * Memory: PSS of the daemon's process tree (/proc/PID/smaps_rollup); CPU: utime+stime of the same
 * processes over the window, plus the children the daemon reaped in it (cutime+cstime: picture
 * checks' ffmpeg), % of one core; the 1-minute load average is printed with each figure.
 * Latencies (stall, status, reconnect) are wall-clock on a shared box and vary with its load.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { GstServer } from '../test/streams/helpers/gstServer.js';
import { Broker } from '../test/uplink/helpers/mosquitto.js';
import { type BlockFigures, blockFigures, readProbe } from './blockReport.js';
import { reconnect, stalls, statusLatency, waitOnline } from './daemonProbes.js';
import {
  type BenchCamera,
  benchPassword,
  type Figures,
  measure,
  processTree,
  repoRoot,
  sleep,
  startDaemon,
  startFleet,
  startShards,
  stopChild,
  writeConfig,
} from './daemonRig.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '0,64,256,1024' },
    'ffmpeg-max': { type: 'string', default: '256' },
    'stall-seconds': { type: 'string', default: '3' },
    window: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '30' },
    'idle-settle': { type: 'string', default: '3' },
    'reconnect-from': { type: 'string', default: '1024' },
    gst: { type: 'string', default: '8' },
    bin: { type: 'string', default: 'bin/camgate.js' },
    'cpu-prof': { type: 'string' },
    only: { type: 'string' },
    reconnects: { type: 'string', default: '1' },
    picture: { type: 'string', default: 'on' },
    'status-bin': { type: 'string' },
    'block-probe': { type: 'boolean', default: false },
  },
});
const STALL_S = Number(values['stall-seconds']);
const WINDOW_MS = Number(values.window) * 1000;
const WARMUP_MS = Number(values.warmup) * 1000;
const IDLE_SETTLE_MS = Number(values['idle-settle']) * 1000;
const BIN = resolve(values.bin);
const ONLY_RECONNECT = values.only === 'reconnect';
const ONLY_STATUS = values.only === 'status';
if (values.only !== undefined && !ONLY_RECONNECT && !ONLY_STATUS)
  throw new Error(`--only: reconnect or status, not ${values.only}`);
const PASSWORD = benchPassword();
const say = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

interface Row {
  n: number;
  online: number;
  /** Absent with --only reconnect. */
  camgate?: Figures;
  stall?: { p50: number; p95: number; detected: number };
  status?: Awaited<ReturnType<typeof statusLatency>>;
  reconnect?: Awaited<ReturnType<typeof reconnect>>;
  /** Every restart of `--reconnects` (the first is `reconnect`). */
  reconnects?: Awaited<ReturnType<typeof reconnect>>[];
  /** With --block-probe: per restart, from 1 s before it until the status read (as the loop figures). */
  blocks?: BlockFigures[];
  ffmpeg?: Figures & { alive: number };
  ffmpegSkipped?: string;
}

async function sources(n: number) {
  const gstCount = n >= Number(values.gst) ? Number(values.gst) : 0;
  const gst =
    gstCount > 0 ? await GstServer.start({ width: 320, height: 180, fps: 15, keyint: 30 }) : undefined;
  const sim = await startShards(n - gstCount, PASSWORD);
  const shards = sim.shards;
  const cameras: BenchCamera[] = [
    ...Array.from({ length: gstCount }, (_, i) => ({ id: `gst-${i}`, url: gst?.url ?? '' })),
    ...sim.cameras,
  ];
  const withAuth = (url: string): string => {
    if (url.includes('/test')) return url;
    const u = new URL(url);
    u.username = 'admin';
    u.password = PASSWORD;
    return u.toString();
  };
  return {
    cameras,
    ffmpegUrls: cameras.map((c) => withAuth(c.url)),
    freeze: async (on: boolean) => {
      await Promise.all([
        ...shards.map((s) => s.command(on ? 'freeze' : 'thaw')),
        on ? gst?.freeze() : gst?.thaw(),
      ]);
    },
    close: async () => {
      await Promise.all(shards.map((s) => stopChild(s.child)));
      await gst?.close();
    },
  };
}

/** CPU and memory over the window, `status --json` latency, and the stall latency of a freeze. */
async function steadyPhases(
  row: Row,
  pid: number,
  configPath: string,
  socket: string,
  dir: string,
  src: Awaited<ReturnType<typeof sources>>,
): Promise<void> {
  const { n } = row;
  const camgate = await measure(() => processTree(pid), WINDOW_MS, pid);
  say(
    `N=${n}: camgate PSS ${camgate.pssMb.toFixed(1)} MB (anon ${camgate.pssAnonMb?.toFixed(1)}, file ${camgate.pssFileMb?.toFixed(1)}) CPU ${camgate.cpuPct.toFixed(1)} % (node ${camgate.rootCpuPct?.toFixed(1)} %, reaped children ${camgate.reapedCpuPct?.toFixed(1)} %) load ${camgate.load1.toFixed(1)}`,
  );
  row.camgate = camgate;
  const other = values['status-bin'];
  row.status = await statusLatency(BIN, configPath, socket, other ? resolve(other) : undefined);
  if (n > 0 && !ONLY_STATUS) {
    row.stall = await stalls(join(dir, 'state'), n, () => src.freeze(true));
    await src.freeze(false);
    say(`N=${n}: stall ${JSON.stringify(row.stall)}; thawed`);
    await waitOnline(socket, n, 120_000);
  }
}

async function runN(n: number): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'camgate-bench-daemon-'));
  const broker = await Broker.start({ persistence: false });
  const src = await sources(n);
  const configPath = writeConfig(dir, {
    brokerUrl: broker.url,
    password: PASSWORD,
    stallSeconds: STALL_S,
    cameras: src.cameras,
    picture: values.picture !== 'off',
  });
  const socket = join(dir, 'control.sock');
  const profile = values['cpu-prof'];
  // Beside the CPU profile when there is one, so the two can be read together afterwards.
  const probe = values['block-probe'] ? join(profile ? resolve(profile) : dir, 'blocks') : undefined;
  if (probe) {
    mkdirSync(resolve(profile ?? dir), { recursive: true });
    process.env.CAMGATE_BLOCK_PROBE = probe;
  }
  const daemon = startDaemon(BIN, configPath, [
    ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profile)}`] : []),
    ...(probe ? ['--import', pathToFileURL(join(repoRoot, 'bench/blockProbe.mjs')).href] : []),
  ]);
  const pid = daemon.pid ?? 0;
  try {
    const t0 = performance.now();
    const online = await waitOnline(socket, n, 120_000 + n * 100);
    say(`N=${n}: ${online}/${n} online after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await sleep(n > 0 ? (ONLY_RECONNECT ? 5000 : WARMUP_MS) : IDLE_SETTLE_MS);
    const row: Row = { n, online };
    if (!ONLY_RECONNECT) await steadyPhases(row, pid, configPath, socket, dir, src);
    if (n >= Number(values['reconnect-from']) && !ONLY_STATUS) {
      row.reconnects = [];
      for (let i = 0; i < Number(values.reconnects); i++) {
        if (i > 0) await sleep(5000);
        const r = await reconnect(broker, socket, n);
        row.reconnects.push(r);
        say(`N=${n}: reconnect ${JSON.stringify(r)}`);
      }
      row.reconnect = row.reconnects[0];
    }
    await stopChild(daemon);
    const probed = probe ? readProbe(probe, pid) : undefined;
    if (probed && row.reconnects) {
      // The loop figures' span: 1 s before the restart until the status read (not the shutdown).
      row.blocks = row.reconnects.map((r) => blockFigures(probed, r.brokerUpMonoUs - 1e6, r.statusMonoUs));
      for (const b of row.blocks) say(`N=${n}: reconnect blocks ${JSON.stringify(b)}`);
    }
    if (!ONLY_RECONNECT && !ONLY_STATUS && n > 0 && n <= Number(values['ffmpeg-max'])) {
      const fleet = await startFleet(src.ffmpegUrls);
      await sleep(Math.max(6000 + n * 20, WARMUP_MS));
      const alive = () => fleet.filter((c) => c.exitCode === null).map((c) => c.pid ?? 0);
      const figures = await measure(alive, WINDOW_MS);
      row.ffmpeg = { ...figures, alive: figures.processes };
      say(
        `N=${n}: fleet PSS ${figures.pssMb.toFixed(1)} MB CPU ${figures.cpuPct.toFixed(1)} % load ${figures.load1.toFixed(1)}`,
      );
      await Promise.all(fleet.map((c) => stopChild(c, 'SIGKILL')));
    } else if (n > 0) row.ffmpegSkipped = `N > --ffmpeg-max ${values['ffmpeg-max']}`;
    return row;
  } finally {
    await stopChild(daemon);
    await src.close();
    await broker.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

function table(rows: Row[]): string {
  const f = (x: number | undefined, d = 1) => (x === undefined ? '–' : x.toFixed(d));
  const head =
    '| N | online | camgate PSS MB | camgate CPU % (node alone / reaped ffmpeg children) | ffmpeg fleet PSS MB | ffmpeg fleet CPU % | memory ratio | CPU ratio | load 1 min (camgate/fleet) | stall p50/p95 ms* | status --json CLI/API ms* | reconnect: birth→all states s*, longest loop block (between bounds) / p99 ms |';
  const lines = rows.map((r) => {
    const ff = r.ffmpeg;
    const cg = r.camgate;
    const rcs = (r.reconnects ?? [])
      .map(
        (rc) =>
          `${f(rc.statesAfterBirthS ?? undefined, 2)} (${rc.states}), ${rc.loopMaxMs}–${rc.loopMaxMs + rc.loopResolutionMs} / ${rc.loopP99Ms}`,
      )
      .join('; ');
    const ratio = (a: number | undefined, b: number | undefined) =>
      a === undefined || b === undefined ? '–' : f(a / b);
    return `| ${r.n} | ${r.online}/${r.n} | ${f(cg?.pssMb)} | ${f(cg?.cpuPct)} (${f(cg?.rootCpuPct)} / ${f(cg?.reapedCpuPct)}) | ${ff ? `${f(ff.pssMb)} (${ff.alive} alive)` : (r.ffmpegSkipped ?? '–')} | ${f(ff?.cpuPct)} | ${ratio(ff?.pssMb, cg?.pssMb)} | ${ratio(ff?.cpuPct, cg?.cpuPct)} | ${f(cg?.load1)}/${f(ff?.load1)} | ${r.stall ? `${r.stall.p50}/${r.stall.p95} (${r.stall.detected})` : '–'} | ${r.status ? `${r.status.cliMs}/${r.status.apiMs}` : '–'} | ${rcs || '–'} |`;
  });
  return [head, `|${'---|'.repeat(12)}`, ...lines].join('\n');
}

const rows: Row[] = [];
for (const n of values.n.split(',').map(Number)) rows.push(await runN(n));
console.log(
  `stallSeconds ${STALL_S}, window ${WINDOW_MS / 1000} s after ${WARMUP_MS / 1000} s of warm-up, * = wall-clock, measured under the box's load`,
);
console.log(table(rows));
console.log(JSON.stringify({ bench: 'daemon', stallSeconds: STALL_S, rows }));
