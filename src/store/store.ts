import path from 'node:path';
import Database from 'better-sqlite3';
import { systemClock } from '../shared/clock.js';
import { CamgateError } from '../shared/errors.js';
import type { Log } from '../shared/log.js';
import { BD_SEQ_KEY, guardCounters, seedCounters, usedCounters } from './counterGuard.js';
import { Reserve } from './diskFull.js';
import { type Counters, HighWater, HighWaterFile } from './highWater.js';
import { migrations as allMigrations, type Migration } from './migrations/index.js';
import { moveAside, openChecked, preflight, salvage } from './openDatabase.js';
import { OutboxRepo } from './outboxRepo.js';
import { PendingWrites } from './pendingWrites.js';

export type Db = Database.Database;

export interface StoreOptions {
  /** Directory for the database, or ':memory:' for tests. */
  readonly dir: string;
  readonly log: Log;
  readonly migrations?: readonly Migration[];
  readonly now?: () => number;
}

export const DB_FILE = 'camgate.db';

/** Why and how a corrupt database was replaced; also sent to the centre as a `store.rebuilt` event. */
export interface RebuildInfo {
  readonly reason: string;
  readonly movedTo: string;
  /** seq values the centre may never receive: from the oldest unsent one (null: unknown) to the ceiling. */
  readonly missingSeqs: { readonly from: number | null; readonly to: number };
  readonly firstSeq: number;
  readonly bdSeqFloor: number;
}

/**
 * The only owner of the SQLite handle. Repositories in this folder receive `store.db`;
 * nothing outside `store/` sees SQL.
 */
export class Store {
  private closed = false;
  /** Writes that must survive a full disk go through this (src/store/pendingWrites.ts). */
  readonly writes: PendingWrites;

  private constructor(
    readonly db: Db,
    readonly file: string,
    private readonly log: Log,
    now: () => number,
    private readonly highWaterFile?: HighWaterFile,
    /** Set when this open replaced a corrupt database. */
    readonly rebuilt?: RebuildInfo,
  ) {
    let reserve: Reserve | undefined;
    if (file !== ':memory:') {
      reserve = Reserve.in(path.dirname(file));
      // No room for it now (opened on a full disk): the first tick with room writes it.
      reserve.fill(log);
    }
    this.writes = new PendingWrites({ log, now, reserve });
  }

  static open(options: StoreOptions): Store {
    const migrations = options.migrations ?? allMigrations;
    if (options.dir === ':memory:') {
      const db = new Database(':memory:');
      configure(db);
      migrate(db, migrations);
      return new Store(db, ':memory:', options.log, options.now ?? systemClock.now);
    }
    const file = path.join(options.dir, DB_FILE);
    const log = options.log;
    preflight(file);
    const hwFile = HighWaterFile.open(options.dir);
    try {
      const leased = hwFile.read(log) ?? { seq: 0, bdSeq: 0 };
      const opened = openChecked(file, log, configure);
      if ('db' in opened) {
        try {
          migrate(opened.db, migrations);
          guardCounters(opened.db, new HighWater(hwFile, leased), usedCounters(opened.db));
        } catch (err) {
          opened.db.close();
          throw err;
        }
        return new Store(opened.db, file, log, options.now ?? systemClock.now, hwFile);
      }
      const { db, info } = rebuild({ file, reason: opened.corrupt, leased, hwFile, migrations, options });
      return new Store(db, file, log, options.now ?? systemClock.now, hwFile, info);
    } catch (err) {
      hwFile.close();
      throw err;
    }
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  /**
   * Cheap liveness probe used by the watchdog. A full disk is not unhealthy (reads work, kept
   * writes wait in memory): the probe also retries them, so they land within one watchdog interval
   * of space returning.
   */
  healthy(): boolean {
    try {
      this.writes.tick();
      return this.db.prepare('SELECT 1 AS ok').get() !== undefined;
    } catch (err) {
      this.log.warn({ err }, 'store probe failed');
      return false;
    }
  }

  getKv(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM kv WHERE key = ?').get(key) as
      | { value: string }
      | undefined;
    return row?.value;
  }

  setKv(key: string, value: string): void {
    this.db
      .prepare(
        'INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value);
  }

  /** Many writes, one commit: see `PendingWrites.batch`. */
  batch<T>(fn: () => T): T {
    return this.writes.batch(this.db, fn);
  }

  close(): void {
    if (this.db.open) this.db.close();
    if (!this.closed) this.highWaterFile?.close();
    this.closed = true;
  }
}

function configure(db: Db): void {
  db.pragma('journal_mode = WAL');
  // FULL: a power cut on an NVR box must not lose a committed outbox event.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
}

interface RebuildInput {
  readonly file: string;
  readonly reason: string;
  readonly leased: Counters;
  readonly hwFile: HighWaterFile;
  readonly migrations: readonly Migration[];
  readonly options: StoreOptions;
}

/**
 * A provably corrupt file is kept aside (for forensics) and replaced. The new database's seq and
 * bdSeq start above every value the old one may have used (the ceiling file, or what the corrupt
 * file still tells), and its first event is `store.rebuilt`, so the centre learns which seq range
 * may never arrive instead of seeing counters restart at 1 (it dedupes by `(gatewayId, seq)`).
 */
function rebuild(input: RebuildInput): { db: Db; info: RebuildInfo } {
  const { file, reason, leased, hwFile, options } = input;
  const log = options.log;
  const nowMs = options.now?.() ?? systemClock.now();
  const movedTo = moveAside(file, nowMs);
  const old = salvage(movedTo, BD_SEQ_KEY, log);
  const opened = openChecked(file, log, configure);
  if (!('db' in opened)) throw new CamgateError('STORE_CORRUPT', `cannot create a fresh database at ${file}`);
  const db = opened.db;
  migrate(db, input.migrations);
  const floor = { seq: Math.max(leased.seq, old.seq ?? 0), bdSeq: Math.max(leased.bdSeq, old.bdSeq ?? 0) };
  seedCounters(db, floor);
  guardCounters(db, new HighWater(hwFile, leased), usedCounters(db));
  const info: RebuildInfo = {
    reason,
    movedTo,
    missingSeqs: { from: old.firstUnacked ?? null, to: floor.seq },
    firstSeq: floor.seq + 1,
    bdSeqFloor: floor.bdSeq,
  };
  // Priority 2: kept over everything under the byte cap, like the overflow alarm it resembles.
  new OutboxRepo(db, Number.MAX_SAFE_INTEGER).append({
    type: 'store.rebuilt',
    cameraId: null,
    body: {
      reason: info.reason,
      movedTo: path.basename(movedTo),
      missingSeqs: info.missingSeqs,
      ts: new Date(nowMs).toISOString(),
    },
    priority: 2,
    at: nowMs,
  });
  log.error(
    { file, movedTo, reason, missingSeqs: info.missingSeqs, firstSeq: info.firstSeq, bdSeq: floor.bdSeq },
    'database failed its integrity check; kept aside, rebuilt with seq and bdSeq above the old ones',
  );
  return { db, info };
}

function migrate(db: Db, migrations: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  for (const m of sorted) {
    if (m.version <= current) continue;
    const apply = db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    });
    try {
      apply();
    } catch (err) {
      throw new CamgateError('STORE_OPEN', `migration ${m.version} (${m.name}) failed`, { cause: err });
    }
  }
}
