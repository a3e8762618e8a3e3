import { type ChildProcess, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type SimSite, startSite } from '../../fixtures/sim/site.js';
import { systemClock } from '../../src/shared/clock.js';
import { DB_FILE } from '../../src/store/store.js';
import { testBase } from '../fixtures/sim/helpers.js';
import { Centre } from '../uplink/helpers/centre.js';
import { cleanupAll } from '../uplink/helpers/cleanup.js';
import { Broker } from '../uplink/helpers/mosquitto.js';
import { camgateBin } from './cli.js';

/**
 * Power cuts, for real: the built daemon (`camgate run`) with a real Mosquitto and simulated
 * cameras that flap, killed with SIGKILL at random moments (during start-up too) and restarted,
 * `kills` times. After every kill the database is opened and checked; at the end the daemon
 * drains, then the database is torn (truncated mid-page) and must be rebuilt with seq above the
 * old ones. Used by test/app/killLoop.test.ts (10 kills) and bench/killLoop.ts (>= 100).
 */
export interface KillLoopOptions {
  readonly kills: number;
  readonly cameras?: number;
  /** Random run time before each kill, from the spawn (so some kills land during start-up). */
  readonly minRunMs?: number;
  readonly maxRunMs?: number;
  readonly fileOctet?: number;
  readonly progress?: (line: string) => void;
}

export interface KillLoopResult {
  readonly kills: number;
  /** Runs that reached "camgate running" before their kill (the others were killed during start-up). */
  readonly runsStarted: number;
  /** Kills that left undelivered events in the outbox (the case the loop is about). */
  readonly killsWithBacklog: number;
  readonly quickCheckFailures: number;
  /** Highest seq committed and delivered when the final run had drained. */
  readonly maxSeq: number;
  /** Events the final run committed after the drain, still in the outbox after its clean stop. */
  readonly queuedAtStop: number;
  /** Of those, any at or below the drained seq (must be 0: the drain delivered those). */
  readonly queuedAtOrBelowDrained: number;
  readonly eventsCommitted: number;
  readonly eventsReceived: number;
  /** Deliveries beyond the first of an eventId (at-least-once: allowed). */
  readonly duplicateDeliveries: number;
  /** seq in 1..maxSeq never received: committed events lost (must be empty). */
  readonly missingSeqs: readonly number[];
  /** eventIds seen in the outbox after a kill and never received (must be 0). */
  readonly committedNotReceived: number;
  /** A seq that arrived with two different eventIds, or an eventId with two seqs (must be 0). */
  readonly seqCollisions: number;
  readonly rebuilt: { readonly seq: number; readonly missingTo: number } | undefined;
  readonly durationMs: number;
}

interface Outboxed {
  readonly seq: number;
  readonly eventId: string;
}

export async function runKillLoop(opts: KillLoopOptions): Promise<KillLoopResult> {
  const started = systemClock.monotonic();
  const say = opts.progress ?? (() => undefined);
  const cleanups: (() => unknown)[] = [];
  try {
    const broker = await Broker.start();
    cleanups.push(() => broker.dispose());
    const centre = await Centre.connect(broker.url, 'camgate/v1/#', `centre-kill-${process.pid}`);
    cleanups.push(() => centre.close());
    const site = await startSite({
      cameras: Array.from({ length: opts.cameras ?? 4 }, () => ({ kind: 'overview' as const })),
      baseAddress: testBase(opts.fileOctet ?? 205),
      discovery: false,
      password: 'Kill-Loop-5',
    });
    cleanups.push(() => site.stop());
    cleanups.push(flapper(site));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-kill9-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const configPath = writeConfig(dir, broker.url, site);
    const db = path.join(dir, 'state', DB_FILE);

    let runsStarted = 0;
    let quickCheckFailures = 0;
    let killsWithBacklog = 0;
    const committed = new Map<string, number>();
    for (let k = 1; k <= opts.kills; k += 1) {
      const daemon = launch(configPath);
      const runMs = randomInt(opts.minRunMs ?? 300, (opts.maxRunMs ?? 4000) + 1);
      // Odd kills cut the power at a random moment from launch (often mid-start on a loaded box);
      // even kills only once the daemon runs, so every loop cuts running daemons whatever the load.
      if (k % 2 === 0) await waitFor(() => daemon.logs().includes('camgate running'), 30_000, `start ${k}`);
      await systemClock.sleep(runMs);
      if (daemon.logs().includes('camgate running')) runsStarted += 1;
      await daemon.kill9();
      const check = inspect(db);
      if (!check.ok) quickCheckFailures += 1;
      if (check.rows.length > 0) killsWithBacklog += 1;
      for (const r of check.rows) committed.set(r.eventId, r.seq);
      say(`kill ${k}/${opts.kills} after ${runMs} ms: outbox ${check.rows.length}, maxSeq ${check.maxSeq}`);
    }
    // Power back for good: drain, then stop cleanly.
    const final = launch(configPath);
    await waitFor(() => final.logs().includes('camgate running'), 30_000, 'final start');
    const maxSeq = await drained(db, centre, final);
    await final.term();
    // Cameras keep flapping after the drain: what the final run committed since is still queued
    // for the next start (not lost, not due at the centre yet), always above the drained seq.
    const queued = inspect(db).rows;
    const tally = tallyCentre(centre, maxSeq, committed);

    // A torn database file: rebuilt, seq continues above the old ones.
    const size = fs.statSync(db).size;
    fs.truncateSync(db, Math.floor(size / 2 / 4096) * 4096 + 1234);
    const torn = launch(configPath);
    cleanups.push(() => torn.term());
    await waitFor(() => centre.events().some((e) => e.type === 'store.rebuilt'), 60_000, 'store.rebuilt');
    const ev = centre.events().find((e) => e.type === 'store.rebuilt') as {
      seq: number;
      missingSeqs: { to: number };
    };
    await torn.term();
    return {
      kills: opts.kills,
      runsStarted,
      killsWithBacklog,
      quickCheckFailures,
      maxSeq,
      queuedAtStop: queued.length,
      queuedAtOrBelowDrained: queued.filter((r) => r.seq <= maxSeq).length,
      ...tally,
      rebuilt: { seq: ev.seq, missingTo: ev.missingSeqs.to },
      durationMs: Math.round(systemClock.monotonic() - started),
    };
  } finally {
    await cleanupAll(cleanups.reverse());
  }
}

/** Cameras going down and up at random: the transitions the kills cut through. */
function flapper(site: SimSite): () => void {
  const down = new Set<number>();
  const timer = systemClock.setInterval(() => {
    const i = randomInt(site.cameras.length);
    const cam = site.cameras[i];
    if (!cam) return;
    const stop = !down.has(i);
    cam.setFault('stop', stop);
    if (stop) down.add(i);
    else down.delete(i);
  }, 700);
  return () => timer.cancel();
}

function writeConfig(dir: string, brokerUrl: string, site: SimSite): string {
  const cams = site.cameras.map(
    (c, i) => `  - { id: cam-${i + 1}, rtsp: "${c.rtspMainUrl}", class: overview }`,
  );
  const file = path.join(dir, 'camgate.yaml');
  fs.writeFileSync(
    file,
    [
      'site: { id: kill-site }',
      'gateway: { id: gw-kill }',
      `storage: { path: ${dir}/state }`,
      `control: { socket: ${dir}/control.sock }`,
      'discovery: { multicast: false, probeWindowSeconds: 1 }',
      `mqtt: { url: "${brokerUrl}" }`,
      'health: { stallSeconds: 1, hysteresisSeconds: 0 }',
      'cameras:',
      ...cams,
      'credentials: [{ match: "127.0.0.0/8", username: admin, password: Kill-Loop-5 }]',
    ].join('\n'),
  );
  return file;
}

interface Running {
  logs(): string;
  kill9(): Promise<void>;
  term(): Promise<void>;
}

function launch(configPath: string): Running {
  const child: ChildProcess = spawn(process.execPath, [camgateBin, 'run', '--config', configPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  child.stdout?.on('data', (d: Buffer) => {
    logs += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    logs += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined)
      process.kill(child.pid, sig);
    await exited;
  };
  return { logs: () => logs, kill9: () => signal('SIGKILL'), term: () => signal('SIGTERM') };
}

/** The database after a kill, opened as the next start would: integrity and what the outbox holds. */
function inspect(file: string): { ok: boolean; rows: Outboxed[]; maxSeq: number } {
  if (!fs.existsSync(file)) return { ok: true, rows: [], maxSeq: 0 };
  const db = new Database(file);
  try {
    const ok = db.pragma('quick_check', { simple: true }) === 'ok';
    const rows = db.prepare('SELECT seq, event_id AS eventId FROM outbox ORDER BY seq').all() as Outboxed[];
    const seq = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").get() as
      | { seq: number }
      | undefined;
    return { ok, rows, maxSeq: seq?.seq ?? 0 };
  } finally {
    db.close();
  }
}

/** Waits until the outbox is empty and the centre holds the highest seq; returns that seq. */
async function drained(file: string, centre: Centre, daemon: Running): Promise<number> {
  let maxSeq = 0;
  await waitFor(
    () => {
      const db = new Database(file, { readonly: true });
      try {
        const left = (db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
        maxSeq =
          (
            db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").get() as
              | { seq: number }
              | undefined
          )?.seq ?? 0;
        return left === 0 && centre.events().some((e) => Number(e.seq) === maxSeq);
      } finally {
        db.close();
      }
    },
    60_000,
    'the outbox to drain',
    daemon,
  );
  return maxSeq;
}

function tallyCentre(
  centre: Centre,
  maxSeq: number,
  committed: ReadonlyMap<string, number>,
): Pick<
  KillLoopResult,
  | 'eventsCommitted'
  | 'eventsReceived'
  | 'duplicateDeliveries'
  | 'missingSeqs'
  | 'committedNotReceived'
  | 'seqCollisions'
> {
  const events = centre.events();
  const seqOf = new Map<string, number>();
  const idOf = new Map<number, string>();
  let collisions = 0;
  for (const e of events) {
    const id = String(e.eventId);
    const seq = Number(e.seq);
    if ((seqOf.get(id) ?? seq) !== seq) collisions += 1;
    if ((idOf.get(seq) ?? id) !== id) collisions += 1;
    seqOf.set(id, seq);
    idOf.set(seq, id);
  }
  const missingSeqs: number[] = [];
  for (let s = 1; s <= maxSeq; s += 1) if (!idOf.has(s)) missingSeqs.push(s);
  let committedNotReceived = 0;
  for (const [id, seq] of committed) if (seqOf.get(id) !== seq) committedNotReceived += 1;
  return {
    eventsCommitted: maxSeq,
    eventsReceived: seqOf.size,
    duplicateDeliveries: events.length - seqOf.size,
    missingSeqs,
    committedNotReceived,
    seqCollisions: collisions,
  };
}

async function waitFor(pred: () => boolean, ms: number, what: string, daemon?: Running): Promise<void> {
  const end = systemClock.monotonic() + ms;
  while (!pred()) {
    if (systemClock.monotonic() > end) {
      throw new Error(`timed out waiting for ${what}${daemon ? `\n${daemon.logs().slice(-3000)}` : ''}`);
    }
    await systemClock.sleep(200);
  }
}
