/**
 * Cost of the picture checks (issue #17): `npx tsx bench/picture.ts [--cameras 256] [--compress 30]
 * [--intervals 3] [--source snapshot|rtsp]`. 256 simulated cameras run in their own process (their
 * CPU is the cameras', not ours); this process runs the real PictureService with the daemon's own
 * sampler (two grabs per check, ffmpeg thumbnail, measures) and the default rules.
 * `--source snapshot` (default): cameras with an ONVIF snapshot URI, fetched over HTTP with Digest,
 * JPEGs reduced 16 per ffmpeg run; checks start in groups of 32 as in the daemon (checkMoments.ts).
 * `--source rtsp`: cameras without one (static RTSP cameras), each check one ffmpeg of its own
 * that opens an RTSP session to the sub-stream and decodes two keyframes.
 * `--source session`: the same cameras, watched by a StreamMonitor in this process as the daemon
 * watches them; each check takes its keyframes from that session, batched per ffmpeg run. The
 * sessions' own CPU is measured alone for `--baseline` seconds first and taken out.
 *
 * Time compression, honestly: the interval is the default 10 min divided by `--compress`, so the
 * samples of N intervals arrive `compress` times faster than in the field. The CPU of this process
 * plus its ffmpeg children (utime+stime, children via /proc/self/stat cutime+cstime) is divided by
 * the number of samples: CPU per sample. The field figure is CPU per sample × cameras per default
 * interval. It over-estimates: the 1 s scheduler tick and the idle event loop are charged to
 * samples `compress` times more often than in the field. Concurrency is counted twice: the
 * queue's own peak, and a 20 ms poll of ffmpeg children in /proc.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { warmPictures } from '../fixtures/sim/simPicture.js';
import {
  KEYFRAMES_PER_FFMPEG,
  PICTURES_PER_FFMPEG,
  pictureBatchers,
  type Sampler,
  sampleThumbnail,
} from '../src/app/pictureSampler.js';
import { configSchema } from '../src/config/schema.js';
import { PictureService, type PictureStore } from '../src/picture/pictureService.js';
import { Slots } from '../src/picture/slots.js';
import { systemClock } from '../src/shared/clock.js';
import { EventBus } from '../src/shared/events.js';
import { silentLog } from '../src/shared/log.js';
import { systemNet } from '../src/shared/net.js';
import type { CameraRecord } from '../src/shared/types.js';
import { StreamMonitor } from '../src/streams/streamMonitor.js';
import { cpuTicks, pssKb, readProc, startSimProcess } from './procStats.js';

const { values } = parseArgs({
  options: {
    cameras: { type: 'string', default: '256' },
    compress: { type: 'string', default: '30' },
    intervals: { type: 'string', default: '3' },
    source: { type: 'string', default: 'snapshot' },
    base: { type: 'string', default: `127.${64 + Math.floor(Math.random() * 180)}.200.1` },
    baseline: { type: 'string', default: '30' },
  },
});
const cameras = Number(values.cameras);
const compress = Number(values.compress);
const intervals = Number(values.intervals);
const source = values.source;
if (source !== 'snapshot' && source !== 'rtsp' && source !== 'session')
  throw new Error('--source: snapshot, rtsp or session');
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
const DEFAULT_INTERVAL_S = 600;
const PASSWORD = 'bench-picture-secret';

await Promise.all([warmPictures('street'), warmPictures('fractal')]);
const sim = await startSimProcess([
  '--cameras',
  String(cameras),
  '--base',
  values.base,
  '--no-discovery',
  '--password',
  PASSWORD,
]);
const SNAPSHOT_PATHS = ['/onvif/snapshot/101.jpg', '/axis-cgi/jpg/image.cgi', '/snapshot.JPG'];
const CLASSES = ['overview', 'panoramic', 'lpr'] as const;
const records: CameraRecord[] = sim.urls.map((url, i) => {
  const address = new URL(url).hostname;
  const subUrl = sim.subUrls[i] ?? url;
  const stream = { token: 'sub', name: 'sub', rtspUrl: subUrl, role: 'sub' as const };
  return {
    id: `bench-${i}`,
    address,
    source: 'onvif',
    class: CLASSES[i % 3] ?? 'overview',
    ptz: false,
    classConfidence: 1,
    classEvidence: [],
    profiles: source === 'snapshot' ? [] : [stream],
    ...(source === 'snapshot' ? { snapshotUri: `http://${address}:8080${SNAPSHOT_PATHS[i % 3]}` } : {}),
    firstSeenAt: '2026-12-05T00:00:00.000Z',
    lastSeenAt: '2026-12-05T00:00:00.000Z',
  };
});
const config = configSchema.parse({
  site: { id: 'bench' },
  gateway: { id: 'bench' },
  credentials: [{ match: '*', username: 'admin', password: PASSWORD }],
  picture: { intervalMinutes: DEFAULT_INTERVAL_S / 60 / compress },
});
const memoryStore: PictureStore = {
  references: () => ({}),
  saveReference: () => undefined,
  clearReferences: () => 0,
  degraded: () => undefined,
  ok: () => undefined,
};
const slots = new Slots(1);
const base = { clock: systemClock, net: systemNet, config };
const batchers = pictureBatchers(base, slots, new AbortController().signal, () =>
  Math.min(30_000, Math.max(1000, config.picture.intervalMinutes * 60_000 * 0.05)),
);
const monitor =
  source === 'session'
    ? new StreamMonitor(
        { clock: systemClock, net: systemNet, log: silentLog(), events: new EventBus() },
        { stallSeconds: 3 },
        records.map((r) => ({
          cameraId: r.id,
          url: r.profiles[0]?.rtspUrl ?? '',
          credential: { username: 'admin', password: PASSWORD, allowBasic: false },
          mode: 'continuous' as const,
          intervalSeconds: 300,
          durationSeconds: 10,
        })),
      )
    : undefined;
const sampler: Sampler = {
  ...base,
  slots,
  batchers,
  ...(monitor ? { keyframes: { capture: (id, request) => monitor.captureKeyframes(id, request) } } : {}),
};
const service = new PictureService({
  clock: systemClock,
  log: silentLog(),
  bus: new EventBus(),
  config: config.picture,
  store: memoryStore,
  cameras: () => records,
  streamAdvancing: () => true,
  // As the daemon (wirePicture.ts): two grabs per check; the stream path takes both from one run.
  sample: (camera, signal) => sampleThumbnail(sampler, camera, signal, 'tcp', 2),
  ffmpegSlots: slots,
  samplesPerSlot: PICTURES_PER_FFMPEG,
  checksTogether: KEYFRAMES_PER_FFMPEG / 2,
});

/** ffmpeg processes whose parent is this process, now. */
function ffmpegChildren(): number[] {
  const kids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const stat = readProc(Number(d), 'stat');
    if (!stat?.includes('(ffmpeg)')) continue;
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === process.pid) kids.push(Number(d));
  }
  return kids;
}
/** Our own CPU (utime + stime) and that of reaped children (cutime + cstime), in ticks. */
function cpuSplit(): { own: number; children: number } {
  const stat = readProc(process.pid, 'stat') ?? '';
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { own: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) };
}
function cpuWithChildren(): number {
  const { own, children } = cpuSplit();
  return own + children;
}

const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
// The sessions alone (session mode): their CPU rate, taken out of the checks' figures below.
let sessionsCpuPerS = 0;
if (monitor) {
  await monitor.start(new AbortController().signal);
  while (Object.values(monitor.phases()).filter((p) => p === 'playing').length < cameras)
    await systemClock.sleep(500);
  const c0 = cpuWithChildren();
  await systemClock.sleep(Number(values.baseline) * 1000);
  sessionsCpuPerS = (cpuWithChildren() - c0) / CLK_TCK / Number(values.baseline);
  console.log(`${cameras} sessions alone: ${(100 * sessionsCpuPerS).toFixed(1)} % of one core (taken out)`);
}
const loadBefore = load();
const pssBefore = pssKb(process.pid);
const cpu0 = cpuWithChildren();
const children0 = cpuSplit().children;
const t0 = performance.now();
await service.start();
let peakFfmpeg = 0;
let peakFfmpegPss = 0;
let peakTreePss = 0;
let lastPss = pssBefore;
// The poll reads every /proc/PID/stat 50 times a second: its own CPU is the bench's, not the
// checks', and is taken out of the figures below (process.cpuUsage around each poll).
let pollCpuUs = 0;
const poll = setInterval(() => {
  const c0 = process.cpuUsage();
  const kids = ffmpegChildren();
  peakFfmpeg = Math.max(peakFfmpeg, kids.length);
  let pssAll = 0;
  for (const k of kids) {
    const kb = pssKb(k);
    peakFfmpegPss = Math.max(peakFfmpegPss, kb);
    pssAll += kb;
  }
  peakTreePss = Math.max(peakTreePss, lastPss + pssAll);
  const c1 = process.cpuUsage(c0);
  pollCpuUs += c1.user + c1.system;
}, 20);
let pssPeak = 0;
const pssPoll = setInterval(() => {
  lastPss = pssKb(process.pid);
  pssPeak = Math.max(pssPeak, lastPss);
}, 500);
await systemClock.sleep(service.intervalMs * intervals);
await service.stop();
await monitor?.stop();
clearInterval(poll);
clearInterval(pssPoll);
const wallS = (performance.now() - t0) / 1000;
const loadAfter = load();
const pollS = pollCpuUs / 1e6;
const cpuS = (cpuWithChildren() - cpu0) / CLK_TCK - pollS - sessionsCpuPerS * wallS;
const childrenS = (cpuSplit().children - children0) / CLK_TCK;
const simCpuS = (cpuTicks(sim.pid) ?? 0) / CLK_TCK;
sim.child.kill('SIGTERM');
const st = service.stats();
const perSample = cpuS / Math.max(1, st.samples);
const fieldCore = (perSample * cameras) / DEFAULT_INTERVAL_S;
console.log(
  `source ${source}, cameras ${cameras}, interval ${service.intervalMs / 1000} s (default ${DEFAULT_INTERVAL_S} s / ${compress}), ${intervals} intervals in ${wallS.toFixed(0)} s`,
);
console.log(`samples ${st.samples}, failures ${st.failures}`);
console.log(
  `CPU (this process + ffmpeg children) ${cpuS.toFixed(1)} s = ${(1000 * perSample).toFixed(1)} ms per sample`,
);
console.log(
  `of which ffmpeg children ${childrenS.toFixed(1)} s (${((1000 * childrenS) / Math.max(1, st.samples)).toFixed(1)} ms per sample), this process ${(cpuS - childrenS).toFixed(1)} s (the bench's /proc poll, ${pollS.toFixed(1)} s, not counted)`,
);
console.log(`at the default interval: ${(100 * fieldCore).toFixed(2)}% of one core on average (goal ≤ 3%)`);
console.log(`compressed run itself: ${((100 * cpuS) / wallS).toFixed(1)}% of one core`);
console.log(
  `ffmpeg at once: slots peak ${st.ffmpegPeak}, /proc poll peak ${peakFfmpeg} (limit ${st.ffmpegLimit})`,
);
console.log(
  `PSS: this process ${Math.round(pssBefore / 1024)} MB before, peak ${Math.round(pssPeak / 1024)} MB during; one ffmpeg peak ${Math.round(peakFfmpegPss / 1024)} MB; process tree peak ${Math.round(peakTreePss / 1024)} MB`,
);
console.log(`load average (1/5/15 min): ${loadBefore} before, ${loadAfter} after`);
console.log(`(simulator process, not counted: ${simCpuS.toFixed(1)} s CPU)`);
console.log(
  JSON.stringify({
    source,
    cameras,
    compress,
    samples: st.samples,
    failures: st.failures,
    cpuMsPerSample: Math.round(1000 * perSample * 10) / 10,
    fieldCorePct: Math.round(10000 * fieldCore) / 100,
    ffmpegMsPerSample: Math.round((10000 * childrenS) / Math.max(1, st.samples)) / 10,
    ffmpegPeak: Math.max(st.ffmpegPeak, peakFfmpeg),
    ffmpegLimit: st.ffmpegLimit,
    pssPeakMb: Math.round(pssPeak / 1024),
    treePssPeakMb: Math.round(peakTreePss / 1024),
    loadBefore,
    loadAfter,
  }),
);
process.exit(0);
