/**
 * What `bench/daemon.ts` asks the running daemon: its status over the control socket, stall
 * latency from a freeze to the persisted transition row, `camgate status --json` latency, and the
 * retained camera states after a broker restart (with the daemon's own event-loop figures).
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { connect } from 'mqtt';
import { controlRequest } from '../src/cli/controlClient.js';
import type { Broker } from '../test/uplink/helpers/mosquitto.js';
import { percentile, reapedTicks, repoRoot, sleep, TICKS_PER_S } from './daemonRig.js';

interface StatusDoc {
  cameras: { cameraId: string; status: string }[];
  eventLoop?: {
    resolutionMs?: number;
    maxMs: number;
    perSecond: { at: string; maxMs: number; p99Ms?: number }[];
  };
}

export async function controlStatus(socket: string): Promise<StatusDoc> {
  return (await controlRequest(socket, 'GET', '/status', undefined, 30_000)) as StatusDoc;
}

/** Polls until `n` cameras are online; returns how many were when it gave up. */
export async function waitOnline(socket: string, n: number, timeoutMs: number): Promise<number> {
  const end = performance.now() + timeoutMs;
  let online = 0;
  for (;;) {
    try {
      online = (await controlStatus(socket)).cameras.filter((c) => c.status === 'online').length;
    } catch {
      // The daemon is still starting (no control socket yet): poll on.
      online = 0;
    }
    if (online >= n || performance.now() > end) return online;
    await sleep(1000);
  }
}

const median = (xs: number[]): number => Math.round(percentile(xs, 50));

const STATUS_RUNS = 20;

/**
 * `STATUS_RUNS` alternating samples of the real CLI process (`bin/camgate.js status --json`, its
 * stdout read through a pipe as `| jq` would) and of the API request alone: p50 as `cliMs`/`apiMs`
 * (the table's columns), p95 beside them, and the bytes the CLI printed. With `otherBin` (another
 * build), its CLI is sampled in the same rounds against the same daemon: a before/after pair that
 * the box's load cannot tell apart (`other`). `cpuMs` beside each: the mean CPU (user + sys) of one
 * process, from this process's reaped-children time (less bent by a loaded box than wall time).
 */
export async function statusLatency(bin: string, configPath: string, socket: string, otherBin?: string) {
  const cli: number[] = [];
  const api: number[] = [];
  const otherCli: number[] = [];
  const ticks = new Map<string, number>();
  /** Runs one child to its end; its CPU goes to `kind`'s tally. */
  const tally = async <T>(kind: string, run: () => Promise<T>): Promise<T> => {
    const t0 = reapedTicks(process.pid);
    const out = await run();
    ticks.set(kind, (ticks.get(kind) ?? 0) + reapedTicks(process.pid) - t0);
    return out;
  };
  const cpuMs = (kind: string, runs: number): number =>
    Math.round(((ticks.get(kind) ?? 0) * 1000) / TICKS_PER_S / Math.max(1, runs));
  let bytes = 0;
  const failures: string[] = [];
  // The floor on this box right now: a bare `node -e 0` process, timed between the samples.
  const bare: number[] = [];
  const timeCli = async (which: string, into: number[]): Promise<number> => {
    const t0 = performance.now();
    const run = await tally(which, () => statusProcess(which, configPath));
    if (run.code === 0) into.push(performance.now() - t0);
    else failures.push(`${which}: exit ${run.code}: ${run.stderr.trim().slice(-200)}`);
    return run.bytes;
  };
  for (let i = 0; i < STATUS_RUNS; i++) {
    const tb = performance.now();
    await tally(
      'bare',
      () => new Promise((ok) => spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' }).once('close', ok)),
    );
    bare.push(performance.now() - tb);
    // Which build goes first alternates: neither always follows the daemon's answer to the other.
    if (otherBin && i % 2 === 0) await timeCli(otherBin, otherCli);
    bytes = (await timeCli(bin, cli)) || bytes;
    if (otherBin && i % 2 === 1) await timeCli(otherBin, otherCli);
    const t1 = performance.now();
    try {
      await controlStatus(socket);
      api.push(performance.now() - t1);
    } catch (err) {
      // A daemon too loaded to answer in 30 s is a figure too, not the end of the run.
      failures.push(`api: ${String(err).slice(0, 200)}`);
    }
  }
  const p95 = (xs: number[]): number => Math.round(percentile(xs, 95));
  const figures = {
    cliMs: median(cli),
    cliCpuMs: cpuMs(bin, STATUS_RUNS),
    apiMs: median(api),
    cliP95Ms: p95(cli),
    apiP95Ms: p95(api),
    bytes,
    bareNodeMs: median(bare),
    bareNodeP95Ms: p95(bare),
    bareNodeCpuMs: cpuMs('bare', STATUS_RUNS),
    ...(otherBin
      ? {
          other: {
            bin: otherBin,
            cliMs: median(otherCli),
            cliP95Ms: p95(otherCli),
            cliCpuMs: cpuMs(otherBin, STATUS_RUNS),
          },
        }
      : {}),
    ...(failures.length > 0 ? { failures } : {}),
  };
  // Printed at once: a later phase of the run (stall, reconnect) may not survive a loaded box.
  process.stderr.write(`status --json: ${JSON.stringify(figures)} load ${loadavg()[0]?.toFixed(2)}\n`);
  return figures;
}

/** One `camgate status --json` process; its stdout read through a pipe and counted, not kept. */
function statusProcess(bin: string, configPath: string) {
  return new Promise<{ code: number | null; bytes: number; stderr: string }>((ok) => {
    const child = spawn(process.execPath, [bin, 'status', '--json', '--config', configPath], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let bytes = 0;
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      bytes += c.length;
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += String(c);
    });
    child.once('close', (code) => ok({ code, bytes, stderr }));
  });
}

/**
 * Freezes every stream at once and polls the daemon's SQLite (read-only, every 100 ms) for each
 * camera's first transition away from online; latency = first sight − freeze command.
 */
export async function stalls(stateDir: string, n: number, freeze: () => Promise<void>) {
  const db = new Database(join(stateDir, 'camgate.db'), { readonly: true, fileMustExist: true });
  try {
    const from = (db.prepare('SELECT COALESCE(MAX(id), 0) AS m FROM transitions').get() as { m: number }).m;
    const query = db.prepare(
      "SELECT DISTINCT camera_id AS c FROM transitions WHERE id > ? AND from_status = 'online' AND to_status <> 'online'",
    );
    const seen = new Map<string, number>();
    const t0 = performance.now();
    await freeze();
    while (seen.size < n && performance.now() - t0 < 60_000) {
      const now = performance.now();
      for (const { c } of query.all(from) as { c: string }[]) if (!seen.has(c)) seen.set(c, now - t0);
      await sleep(100);
    }
    const ms = [...seen.values()];
    return { p50: Math.round(percentile(ms, 50)), p95: Math.round(percentile(ms, 95)), detected: ms.length };
  } finally {
    db.close();
  }
}

/**
 * Restarts the broker (no persistence: every retained state is gone) and times, on a subscriber
 * that reconnects every 100 ms, the daemon's birth and then all `n` camera states; reads the
 * daemon's per-second event-loop maxima over that span. Every message after the broker stopped
 * counts, and times run from the launch's start: the broker takes connections before `launch()`
 * has seen its port (it polls every 50 ms), and a subscriber and daemon that got in first had
 * their birth and first states dropped by an earlier version of this probe (seen as "no birth,
 * 722 of 1,024 states in 120 s" on a loaded box).
 */
export async function reconnect(broker: Broker, socket: string, n: number) {
  const sub = connect(broker.url, {
    clientId: `bench-sub-${process.pid}`,
    reconnectPeriod: 100,
    clean: true,
  });
  const states = new Set<string>();
  let upAt = 0;
  let brokerStopped = false;
  let launched = false;
  /** Messages that came before `launch()` returned: what the earlier probe dropped. */
  let beforeLaunched = 0;
  let birthAt = 0;
  let lastAt = 0;
  sub.on('message', (topic, payload) => {
    if (!brokerStopped) return;
    if (!launched) beforeLaunched += 1;
    if (topic.endsWith('/status') && !birthAt && String(payload).includes('"online"'))
      birthAt = performance.now();
    if (topic.includes('/cameras/') && topic.endsWith('/state')) {
      states.add(topic);
      lastAt = performance.now();
    }
  });
  sub.on('connect', () => sub.subscribe('camgate/v1/bench-site/gw-bench/#', { qos: 1 }));
  await new Promise((ok) => sub.once('connect', ok));
  await sleep(2000);
  await broker.stop();
  brokerStopped = true;
  await sleep(3000);
  const wallUp = Date.now();
  // CLOCK_MONOTONIC, the clock of V8's CPU profiles: bench/longTasks.ts finds the restart in one.
  const brokerUpMonoUs = Number(process.hrtime.bigint() / 1000n);
  upAt = performance.now();
  await broker.launch();
  launched = true;
  while ((states.size < n || !birthAt) && performance.now() - upAt < 120_000) await sleep(100);
  await sleep(1500);
  // The end of the span the loop figures cover (the daemon is stopped after the last restart, and
  // its shutdown must not count): bench/blockReport.ts cuts the block probe's window here.
  const statusMonoUs = Number(process.hrtime.bigint() / 1000n);
  const loop = (await controlStatus(socket)).eventLoop;
  sub.end(true);
  const during = (loop?.perSecond ?? []).filter((s) => Date.parse(s.at) >= wallUp - 1000);
  return {
    brokerUpMonoUs,
    statusMonoUs,
    birthAfterBrokerUpS: birthAt ? Number(((birthAt - upAt) / 1000).toFixed(2)) : null,
    statesAfterBirthS: birthAt && lastAt ? Number(((lastAt - birthAt) / 1000).toFixed(2)) : null,
    states: states.size,
    beforeLaunched,
    /** The longest block lies in [loopMaxMs, loopMaxMs + loopResolutionMs) (app/loopDelay.ts). */
    loopMaxMs: Math.max(0, ...during.map((s) => s.maxMs)),
    loopResolutionMs: loop?.resolutionMs ?? 0,
    /** The worst second's 99th percentile of loop delay (how often, not only how long). */
    loopP99Ms: Math.max(0, ...during.map((s) => s.p99Ms ?? 0)),
  };
}
