/**
 * The parts `bench/daemon.ts` runs: simulator shards (bench/simHost.ts), the real `camgate run`
 * subprocess with a generated config, the process-tree figures, and the ffmpeg fleet.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { cpuTicks, pssKb, pssPartKb, readProc } from './procStats.js';

export const repoRoot = resolve(import.meta.dirname, '..');
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
export const TICKS_PER_S = 100; // Linux USER_HZ

/** Every live descendant of `root` (and root), from the ppid field of /proc/PID/stat. */
export function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProc(Number(name), 'stat');
    if (stat === undefined) continue;
    parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++)
    for (const [pid, ppid] of parent) if (ppid === tree[i]) tree.push(pid);
  return tree;
}

export interface Figures {
  pssMb: number;
  /** Of `pssMb`: anonymous memory (the processes' own) and file-backed (shared binaries, see pssPartKb). */
  pssAnonMb?: number;
  pssFileMb?: number;
  /** Every process of the tree, and the children `root` reaped in the window (ffmpeg thumbnails). */
  cpuPct: number;
  /** CPU of `root` alone (the daemon's node process). */
  rootCpuPct?: number;
  /** Of `cpuPct`: the children `root` started and reaped within the window (cutime + cstime). */
  reapedCpuPct?: number;
  processes: number;
  /** The box's 1-minute load average at the end of the window (the box is shared). */
  load1: number;
}

/** cutime + cstime: CPU of the children a process has waited for. */
export function reapedTicks(pid: number): number {
  const stat = readProc(pid, 'stat');
  if (stat === undefined) return 0;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[13]) + Number(fields[14]);
}

/**
 * PSS summed over the processes at the end of the window; CPU of those alive through it, plus
 * what `root`'s short-lived children (started and reaped inside the window) used: the daemon's
 * picture checks run ffmpeg for seconds at a time, which a tree snapshot at both ends misses.
 */
export async function measure(pids: () => number[], windowMs: number, root?: number): Promise<Figures> {
  const before = new Map(pids().map((p) => [p, cpuTicks(p)]));
  const reaped0 = root === undefined ? 0 : reapedTicks(root);
  await sleep(windowMs);
  let ticks = 0;
  let rootTicks = 0;
  const after = pids();
  for (const pid of after) {
    const a = before.get(pid);
    const b = cpuTicks(pid);
    if (a === undefined || b === undefined) continue;
    ticks += b - a;
    if (pid === root) rootTicks = b - a;
  }
  const reaped = root === undefined ? 0 : reapedTicks(root) - reaped0;
  const pss = after.reduce((sum, pid) => sum + pssKb(pid), 0);
  const part = (field: 'Pss_Anon' | 'Pss_File'): number =>
    after.reduce((sum, pid) => sum + pssPartKb(pid, field), 0) / 1024;
  const pct = (t: number): number => (t / TICKS_PER_S / (windowMs / 1000)) * 100;
  return {
    pssMb: pss / 1024,
    pssAnonMb: part('Pss_Anon'),
    pssFileMb: part('Pss_File'),
    cpuPct: pct(ticks + reaped),
    ...(root !== undefined ? { rootCpuPct: pct(rootTicks), reapedCpuPct: pct(reaped) } : {}),
    processes: after.length,
    load1: loadavg()[0] ?? 0,
  };
}

export interface SimShard {
  readonly child: ChildProcess;
  readonly cameras: { id: string; url: string }[];
  command(line: string): Promise<void>;
}

/** One simulator process serving `count` cameras from `base`; resolves once it printed `ready`. */
export async function startShard(count: number, base: string, password: string): Promise<SimShard> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/simHost.ts', String(count), base, password],
    { cwd: repoRoot, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const cameras: { id: string; url: string }[] = [];
  const acks: Array<() => void> = [];
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  await new Promise<void>((ok, fail) => {
    child.once('exit', (code) => fail(new Error(`simulator shard exited ${code}`)));
    lines.on('line', (line) => {
      if (line === 'ready') ok();
      else if (line.startsWith('ack ')) acks.shift()?.();
      else cameras.push(JSON.parse(line) as { id: string; url: string });
    });
  });
  return {
    child,
    cameras,
    command: (line) =>
      new Promise<void>((ok) => {
        acks.push(ok);
        child.stdin?.write(`${line}\n`);
      }),
  };
}

/** Cameras per simulator process (bench/simHost.ts). */
export const SHARD_CAMERAS = 256;

/** A per-run password: the simulators and the daemon's config share it, nothing else sees it. */
export function benchPassword(): string {
  return `bench-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * `n` simulator cameras in shards of ≤ SHARD_CAMERAS, on a random 127.x.y.0/21 per run (other
 * engineers' simulators share this loopback); camera ids name their shard (`s0-…`, `s1-…`).
 */
export async function startShards(
  n: number,
  password: string,
): Promise<{ shards: SimShard[]; cameras: BenchCamera[] }> {
  const shards: SimShard[] = [];
  const b = 64 + Math.floor(Math.random() * 180);
  const c = 8 * Math.floor(Math.random() * 24);
  for (let i = 0; i < Math.ceil(n / SHARD_CAMERAS); i++) {
    const count = Math.min(SHARD_CAMERAS, n - i * SHARD_CAMERAS);
    shards.push(await startShard(count, `127.${b}.${c + 2 * i}.1`, password));
  }
  const cameras = shards.flatMap((s, i) =>
    s.cameras.map((x) => ({ id: x.id.replace('sim', `s${i}`), url: x.url })),
  );
  return { shards, cameras };
}

export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((ok) => {
    if (child.exitCode !== null || child.signalCode !== null) return ok();
    child.once('exit', () => ok());
    child.kill(signal);
  });
}

export interface BenchCamera {
  id: string;
  /** Without userinfo: the daemon gets the password from `credentials`. */
  url: string;
}

export function writeConfig(
  dir: string,
  o: {
    brokerUrl: string;
    password: string;
    stallSeconds: number;
    cameras: BenchCamera[];
    /** false: `picture.enabled: false` (no picture checks, no ffmpeg children). */
    picture?: boolean;
    /** More top-level config lines (bench/pictureDaemon.ts: the picture settings; not with `picture`). */
    extra?: string[];
  },
): string {
  const path = join(dir, 'camgate.yaml');
  const cams = o.cameras.map((c) => `  - { id: ${c.id}, rtsp: "${c.url}", class: overview }`);
  writeFileSync(
    path,
    [
      'site: { id: bench-site, name: "Bench site" }',
      'gateway: { id: gw-bench }',
      `storage: { path: ${join(dir, 'state')} }`,
      `control: { socket: ${join(dir, 'control.sock')} }`,
      'discovery: { multicast: false, probeWindowSeconds: 1 }',
      `credentials: [{ match: "*", username: admin, password: "${o.password}" }]`,
      `mqtt: { url: "${o.brokerUrl}" }`,
      `health: { stallSeconds: ${o.stallSeconds} }`,
      'recording: { enabled: false }',
      o.picture === false ? 'picture: { enabled: false }' : '',
      ...(o.extra ?? []),
      o.cameras.length > 0 ? `cameras:\n${cams.join('\n')}` : '',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return path;
}

/** `camgate run` from bin/ (the built dist/ beside it), as systemd would run it. */
export function startDaemon(bin: string, configPath: string, nodeFlags: string[] = []): ChildProcess {
  const child = spawn(process.execPath, [...nodeFlags, bin, 'run', '--config', configPath], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let tail = '';
  child.stderr?.on('data', (d: Buffer) => {
    tail = (tail + d.toString()).slice(-4000);
  });
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM') process.stderr.write(`daemon exited ${code}:\n${tail}\n`);
  });
  return child;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** N `ffmpeg -rtsp_transport tcp -i URL -c copy -f null -`, started in batches of 16. */
export async function startFleet(urls: string[]): Promise<ChildProcess[]> {
  const children: ChildProcess[] = [];
  for (const [i, url] of urls.entries()) {
    children.push(
      spawn(
        'ffmpeg',
        ['-nostdin', '-loglevel', 'error', '-rtsp_transport', 'tcp', '-timeout', '10000000'].concat([
          '-i',
          url,
          '-c',
          'copy',
          '-f',
          'null',
          '-',
        ]),
        { stdio: 'ignore' },
      ),
    );
    if (i % 16 === 15) await sleep(250);
  }
  return children;
}
