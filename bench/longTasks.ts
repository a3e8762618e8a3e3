/**
 * The long tasks in a V8 CPU profile (`bench/daemon.ts --cpu-prof DIR` writes one per daemon run):
 * spans of consecutive non-idle samples longer than a threshold, each with its start relative to
 * a CLOCK_MONOTONIC instant (the bench prints `brokerUpMonoUs` for each broker restart), and the
 * heaviest project frames and self-time functions inside it. What blocked the event loop, from a
 * measurement rather than a guess (#14).
 * Usage: npx tsx bench/longTasks.ts PROFILE.cpuprofile [--from-us MONO_US] [--span-s 20]
 *        [--min-ms 50] [--top 8] [--stacks]  (--stacks: also the heaviest whole project stacks)
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'from-us': { type: 'string' },
    'span-s': { type: 'string', default: '20' },
    'min-ms': { type: 'string', default: '50' },
    top: { type: 'string', default: '8' },
    stacks: { type: 'boolean', default: false },
  },
});
const file = positionals[0];
if (!file) throw new Error('usage: bench/longTasks.ts PROFILE.cpuprofile [--from-us N]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const minUs = Number(values['min-ms']) * 1000;
const top = Number(values.top);
const fromUs = values['from-us'] === undefined ? undefined : Number(values['from-us']);
const toUs = fromUs === undefined ? undefined : fromUs + Number(values['span-s']) * 1e6;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const name = (id: number): string => {
  const f = byId.get(id)?.callFrame;
  if (!f) return '?';
  const at = f.url ? ` ${f.url.replace(/^.*\/(dist|src|node_modules)\//, '$1/')}:${f.lineNumber + 1}` : '';
  return `${f.functionName || '(anonymous)'}${at}`;
};
const isIdle = (id: number): boolean => byId.get(id)?.callFrame.functionName === '(idle)';
/** The project's own frames of a sample, outermost first. */
const projectStack = (id: number): string[] => {
  const out: string[] = [];
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const url = byId.get(at)?.callFrame.url ?? '';
    if (url.includes('/dist/') || url.includes('/src/')) out.push(name(at));
  }
  return out.reverse();
};

interface Task {
  startUs: number;
  endUs: number;
  samples: { id: number; us: number }[];
}
const sortedDeltas = [...profile.timeDeltas].sort((a, b) => a - b);
/** The profiler's sampling interval (the median gap between samples). */
const interval = sortedDeltas[Math.floor(sortedDeltas.length / 2)] ?? 1000;
const tasks: Task[] = [];
let t = profile.startTime;
let current: Task | undefined;
for (let i = 0; i < profile.samples.length; i++) {
  const delta = profile.timeDeltas[i] ?? 0;
  t += delta;
  const id = profile.samples[i] as number;
  // The sample covers the interval up to the next one.
  const dur = profile.timeDeltas[i + 1] ?? 0;
  if (isIdle(id)) {
    if (current && current.endUs - current.startUs >= minUs) tasks.push(current);
    current = undefined;
    continue;
  }
  current ??= { startUs: t, endUs: t, samples: [] };
  current.samples.push({ id, us: dur });
  current.endUs = t + dur;
}
if (current && current.endUs - current.startUs >= minUs) tasks.push(current);

const inWindow = tasks.filter(
  (k) => fromUs === undefined || (k.endUs >= fromUs && toUs !== undefined && k.startUs <= toUs),
);
const rel = (us: number): string =>
  fromUs === undefined
    ? `${((us - profile.startTime) / 1e6).toFixed(3)} s into the profile`
    : `${((us - fromUs) / 1e6).toFixed(3)} s after`;
console.log(
  `${tasks.length} tasks ≥ ${values['min-ms']} ms in the profile; ${inWindow.length} in the window${fromUs === undefined ? '' : ` (${rel(fromUs)} + ${values['span-s']} s)`}`,
);
const onCpuOf = (k: Task): number => k.samples.reduce((sum, s) => sum + Math.min(s.us, 3 * interval), 0);
const ms = (us: number): string => (us / 1000).toFixed(1);
console.log(
  `longest in the window: ${ms(Math.max(0, ...inWindow.map((k) => k.endUs - k.startUs)))} ms wall, ${ms(Math.max(0, ...inWindow.map(onCpuOf)))} ms sampled on CPU`,
);
for (const k of inWindow) {
  const self = new Map<string, number>();
  const project = new Map<string, number>();
  const stacks = new Map<string, number>();
  for (const s of k.samples) {
    const path = `${projectStack(s.id).join(' > ')} > ${name(s.id)}`;
    stacks.set(path, (stacks.get(path) ?? 0) + s.us);
    self.set(name(s.id), (self.get(name(s.id)) ?? 0) + s.us);
    // Inclusive time of each project frame (counted once per sample).
    for (const f of new Set(projectStack(s.id))) project.set(f, (project.get(f) ?? 0) + s.us);
  }
  const fmt = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([f, us]) => `    ${(us / 1000).toFixed(1).padStart(7)} ms  ${f}`)
      .join('\n');
  // A gap between samples far over the sampling interval: the process was not running (a loaded
  // box), which the wall duration includes and the process's own work does not.
  const onCpu = onCpuOf(k);
  console.log(
    `\n${((k.endUs - k.startUs) / 1000).toFixed(1)} ms task at ${rel(k.startUs)} (${(onCpu / 1000).toFixed(1)} ms of it sampled on CPU)`,
  );
  console.log(`  self:\n${fmt(self)}`);
  console.log(`  project frames (inclusive):\n${fmt(project)}`);
  if (values.stacks) console.log(`  stacks:\n${fmt(stacks)}`);
}
