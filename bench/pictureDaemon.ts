/**
 * Picture checks measured as users run them (issues #17, #14): the shipped daemon (`node
 * bin/camgate.js run`, built dist/) watching N static RTSP cameras (simulator shards, no snapshot
 * URI: the checks take keyframes from the daemon's own sessions, or, in a build before that, start
 * an ffmpeg on the sub-stream), health, store and the MQTT uplink on, recording off. Two runs of
 * the same daemon on the same cameras: picture checks off, then on at the default 10 min interval
 * divided by `--compress`. CPU per check = (CPU on − CPU off) / checks done in the window, where
 * CPU is the daemon's process tree plus the ffmpeg children it reaped (cutime+cstime), and the
 * checks are the daemon's own count (status `picture.samples`). The field figure is CPU per check
 * × N per 600 s. It over-states a little: the compressed run's checks overlap more, and each
 * batch waits at most 5 % of the interval, so batches are smaller than in the field.
 * Usage: npx tsx bench/pictureDaemon.ts [--cameras 256] [--compress 10] [--intervals 2]
 *        [--bin bin/camgate.js]   (--bin: another build, e.g. one of main for the before figure)
 * Prints a table and one JSON line; every figure with the 1-minute load average (the box is shared).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Broker } from '../test/uplink/helpers/mosquitto.js';
import { controlStatus, waitOnline } from './daemonProbes.js';
import {
  benchPassword,
  type Figures,
  measure,
  processTree,
  sleep,
  startDaemon,
  startShards,
  stopChild,
  writeConfig,
} from './daemonRig.js';
import { pssKb, readProc } from './procStats.js';

const { values } = parseArgs({
  options: {
    cameras: { type: 'string', default: '256' },
    compress: { type: 'string', default: '10' },
    intervals: { type: 'string', default: '2' },
    bin: { type: 'string', default: 'bin/camgate.js' },
  },
});
const N = Number(values.cameras);
const COMPRESS = Number(values.compress);
const INTERVALS = Number(values.intervals);
const BIN = resolve(values.bin);
const DEFAULT_INTERVAL_S = 600;
const INTERVAL_MS = (DEFAULT_INTERVAL_S / COMPRESS) * 1000;
const PASSWORD = benchPassword();
const say = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

interface Run {
  mode: 'off' | 'on';
  online: number;
  figures: Figures;
  pssPeakMb: number;
  ffmpegPeak: number;
  checks: number;
  failures: number;
  loadBefore: number;
}

interface PictureSection {
  samples: number;
  failures: number;
}

async function pictureCounts(socket: string): Promise<PictureSection> {
  const doc = (await controlStatus(socket)) as unknown as { picture?: PictureSection };
  return doc.picture ?? { samples: 0, failures: 0 };
}

/** ffmpeg processes whose parent is `pid`. */
function ffmpegChildren(pid: number): number {
  let n = 0;
  for (const p of processTree(pid)) {
    const stat = readProc(p, 'stat');
    if (stat?.includes('(ffmpeg)')) n += 1;
  }
  return n;
}

async function runMode(mode: 'off' | 'on'): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'camgate-bench-picture-'));
  const broker = await Broker.start({ persistence: false });
  const { shards, cameras } = await startShards(N, PASSWORD);
  const picture =
    mode === 'on'
      ? `picture: { intervalMinutes: ${DEFAULT_INTERVAL_S / 60 / COMPRESS} }`
      : 'picture: { enabled: false }';
  const configPath = writeConfig(dir, {
    brokerUrl: broker.url,
    password: PASSWORD,
    stallSeconds: 3,
    cameras,
    extra: [picture],
  });
  const socket = join(dir, 'control.sock');
  const daemon = startDaemon(BIN, configPath);
  const pid = daemon.pid ?? 0;
  try {
    const online = await waitOnline(socket, N, 120_000 + N * 100);
    // The first checks are staggered over the first interval: measure from the second on.
    await sleep(mode === 'on' ? INTERVAL_MS : 5000);
    const loadBefore = loadavg()[0] ?? 0;
    const before = await pictureCounts(socket);
    let ffmpegPeak = 0;
    let pssPeakKb = 0;
    const poll = setInterval(() => {
      ffmpegPeak = Math.max(ffmpegPeak, ffmpegChildren(pid));
    }, 20);
    const pssPoll = setInterval(() => {
      pssPeakKb = Math.max(
        pssPeakKb,
        processTree(pid).reduce((sum, p) => sum + pssKb(p), 0),
      );
    }, 1000);
    const figures = await measure(() => processTree(pid), INTERVAL_MS * INTERVALS, pid);
    clearInterval(poll);
    clearInterval(pssPoll);
    const after = await pictureCounts(socket);
    const run: Run = {
      mode,
      online,
      figures,
      pssPeakMb: pssPeakKb / 1024,
      ffmpegPeak,
      checks: after.samples - before.samples,
      failures: after.failures - before.failures,
      loadBefore,
    };
    say(`picture ${mode}: ${JSON.stringify(run)}`);
    return run;
  } finally {
    await stopChild(daemon);
    await Promise.all(shards.map((s) => stopChild(s.child)));
    await broker.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

const off = await runMode('off');
const on = await runMode('on');
const windowS = (INTERVAL_MS * INTERVALS) / 1000;
const extraCoreS = ((on.figures.cpuPct - off.figures.cpuPct) / 100) * windowS;
const perCheckMs = (1000 * extraCoreS) / Math.max(1, on.checks);
const fieldPct = ((perCheckMs / 1000) * N * 100) / DEFAULT_INTERVAL_S;
const f = (x: number, d = 1): string => x.toFixed(d);
console.log(
  `${N} static RTSP cameras (no snapshot URI), ${BIN}; interval ${INTERVAL_MS / 1000} s (default ${DEFAULT_INTERVAL_S} s / ${COMPRESS}), window ${windowS} s`,
);
console.log(
  '| picture checks | online | checks (failed) | CPU % of a core (node / reaped ffmpeg) | PSS MB (end / peak) | ffmpeg children peak | load 1 min (before / end) |',
);
console.log('|---|---|---|---|---|---|---|');
for (const r of [off, on])
  console.log(
    `| ${r.mode} | ${r.online}/${N} | ${r.checks} (${r.failures}) | ${f(r.figures.cpuPct)} (${f(r.figures.rootCpuPct ?? 0)} / ${f(r.figures.reapedCpuPct ?? 0)}) | ${f(r.figures.pssMb)} / ${f(r.pssPeakMb)} | ${r.ffmpegPeak} | ${f(r.loadBefore)} / ${f(r.figures.load1)} |`,
  );
console.log(
  `CPU per check ${f(perCheckMs)} ms → at ${N} cameras every ${DEFAULT_INTERVAL_S / 60} min: ${f(fieldPct, 2)} % of one core (goal ≤ 3 %); ffmpeg at once ≤ ${on.ffmpegPeak} (goal ≤ ${Math.max(1, Math.floor(N / 64))})`,
);
console.log(
  JSON.stringify({
    bench: 'pictureDaemon',
    cameras: N,
    compress: COMPRESS,
    windowS,
    bin: values.bin,
    perCheckMs: Math.round(perCheckMs * 10) / 10,
    fieldCorePct: Math.round(fieldPct * 100) / 100,
    runs: [off, on],
  }),
);
process.exit(0);
