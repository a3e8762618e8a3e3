/**
 * CPU of one picture-check ffmpeg run on the stream path (issue #17), per argument variant:
 * `npx tsx bench/pictureRtspArgs.ts [--cameras 16] [--runs 48] [--variants base,probe,...]`.
 * The simulator (its own process) serves `--cameras` sub-streams; each variant runs the same
 * ffmpeg the daemon runs for a camera without a snapshot URI (src/streams/ffmpeg/thumbnail.ts,
 * source 'rtsp', two keyframes), plus the variant's extra input options, `--runs` times, four at
 * a time (one per 64 cameras at 256), cameras round-robin. CPU per run is the cutime + cstime of
 * the reaped ffmpeg children over the runs (this process's own CPU is not counted); a run counts
 * as good when it gave exactly two thumbnails. Variants interleave in rounds so that the box's
 * load (shared) drifts over all of them alike.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readProc, startSimProcess } from './procStats.js';

const { values } = parseArgs({
  options: {
    cameras: { type: 'string', default: '16' },
    runs: { type: 'string', default: '48' },
    rounds: { type: 'string', default: '3' },
    variants: { type: 'string', default: '' },
    base: { type: 'string', default: `127.${64 + Math.floor(Math.random() * 180)}.201.1` },
  },
});
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
const PASSWORD = 'bench-picture-secret';
const W = 128;
const H = 72;
const ONE = W * H * 1.5;

interface Variant {
  /** Input options (before `-i`). */
  readonly in: readonly string[];
  /** Output options (after `-i`). */
  readonly out?: readonly string[];
  /** Scaler flags (thumbnail.ts: area averaging). */
  readonly scale?: string;
}
const PROBE = ['-probesize', '32', '-analyzeduration', '0'];
const PASS = ['-fps_mode', 'passthrough'];
const VARIANTS: Record<string, Variant> = {
  // thumbnail.ts before this bench: 5 s of probing, constant frame rate (second grab a copy).
  before: { in: [] },
  probe: { in: PROBE },
  passthrough: { in: [], out: PASS },
  // thumbnail.ts now: the two above.
  now: { in: PROBE, out: PASS },
  now_nobuffer: { in: [...PROBE, '-fflags', 'nobuffer'], out: PASS },
  now_lowdelay: { in: [...PROBE, '-flags', 'low_delay'], out: PASS },
  now_nodata: { in: [...PROBE, '-sn', '-dn'], out: PASS },
  now_bilinear: { in: PROBE, out: PASS, scale: 'fast_bilinear' },
};

function argsOf(url: string, v: Variant): string[] {
  return [
    ...['-hide_banner', '-loglevel', 'error', '-threads', '1', '-filter_threads', '1', '-nostdin'],
    ...['-skip_frame', 'nokey', '-rtsp_transport', 'tcp', '-timeout', '15000000', '-an'],
    ...v.in,
    ...['-i', url, '-frames:v', '2'],
    ...(v.out ?? []),
    ...[
      '-an',
      '-vf',
      `scale=${W}:${H}:flags=${v.scale ?? 'area'},format=yuv420p`,
      '-f',
      'rawvideo',
      'pipe:1',
    ],
  ];
}

function childTicks(): number {
  const stat = readProc(process.pid, 'stat') ?? '';
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[13]) + Number(f[14]);
}

function runOnce(url: string, extra: Variant): Promise<{ ok: boolean; ms: number; err: string }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn('ffmpeg', argsOf(url, extra), { stdio: ['ignore', 'pipe', 'pipe'] });
    let size = 0;
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      size += c.length;
    });
    child.stderr.on('data', (c: Buffer) => {
      err = (err + c.toString()).slice(-300);
    });
    child.on('close', () => resolve({ ok: size === 2 * ONE, ms: performance.now() - t0, err }));
  });
}

const names = values.variants ? values.variants.split(',') : Object.keys(VARIANTS);
for (const n of names) if (!VARIANTS[n]) throw new Error(`unknown variant ${n}`);
const sim = await startSimProcess([
  ...['--cameras', values.cameras, '--base', values.base, '--no-discovery', '--password', PASSWORD],
]);
const urls = sim.subUrls.map((u) => u.replace('rtsp://', `rtsp://admin:${PASSWORD}@`));
const runs = Number(values.runs);
const totals = new Map(names.map((n) => [n, { ticks: 0, runs: 0, good: 0, ms: 0, err: '' }]));
for (let round = 0; round < Number(values.rounds); round++) {
  for (const name of names) {
    const extra = VARIANTS[name] ?? { in: [] };
    const total = totals.get(name);
    if (!total) continue;
    const before = childTicks();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < runs) {
        const i = next++;
        const r = await runOnce(urls[i % urls.length] ?? '', extra);
        total.runs += 1;
        total.ms += r.ms;
        if (r.ok) total.good += 1;
        else total.err = r.err.trim();
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    total.ticks += childTicks() - before;
  }
}
sim.child.kill('SIGTERM');
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`cameras ${values.cameras}, ${runs} runs × ${values.rounds} rounds per variant, load ${load}`);
for (const [name, t] of totals) {
  const cpuMs = (1000 * t.ticks) / CLK_TCK / t.runs;
  console.log(
    `${name.padEnd(16)} CPU ${cpuMs.toFixed(1)} ms/run, wall ${(t.ms / t.runs).toFixed(0)} ms/run, good ${t.good}/${t.runs}${t.err ? `, last error: ${t.err}` : ''}`,
  );
}
process.exit(0);
