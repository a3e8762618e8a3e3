import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { systemClock } from '../shared/clock.js';
import { CamgateError } from '../shared/errors.js';
import type { Log } from '../shared/log.js';
import { migrations as allMigrations, type Migration } from './migrations/index.js';

export type Db = Database.Database;

export interface StoreOptions {
  /** Directory for the database, or ':memory:' for tests. */
  readonly dir: string;
  readonly log: Log;
  readonly migrations?: readonly Migration[];
  readonly now?: () => number;
}

export const DB_FILE = 'camgate.db';

/**
 * The only owner of the SQLite handle. Repositories in this folder receive `store.db`;
 * nothing outside `store/` sees SQL.
 */
export class Store {
  private constructor(
    readonly db: Db,
    readonly file: string,
  ) {}

  static open(options: StoreOptions): Store {
    const migrations = options.migrations ?? allMigrations;
    if (options.dir === ':memory:') {
      const db = new Database(':memory:');
      configure(db);
      migrate(db, migrations);
      return new Store(db, ':memory:');
    }
    fs.mkdirSync(options.dir, { recursive: true, mode: 0o750 });
    const file = path.join(options.dir, DB_FILE);
    let db = openChecked(file, options);
    if (!db) {
      const aside = moveAside(file, options.now?.() ?? systemClock.now());
      options.log.error(
        { file, movedTo: aside },
        'database failed its integrity check; kept aside, starting fresh',
      );
      db = openChecked(file, options);
      if (!db) throw new CamgateError('STORE_OPEN', `cannot create a fresh database at ${file}`);
    }
    migrate(db, migrations);
    return new Store(db, file);
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  /** Cheap liveness probe used by the watchdog. */
  healthy(): boolean {
    try {
      return this.db.prepare('SELECT 1 AS ok').get() !== undefined;
    } catch {
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

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function configure(db: Db): void {
  db.pragma('journal_mode = WAL');
  // FULL: a power cut on an NVR box must not lose a committed outbox event.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
}

/** Opens and checks; returns undefined when the file is not a healthy SQLite database. */
function openChecked(file: string, options: StoreOptions): Db | undefined {
  let db: Db | undefined;
  try {
    db = new Database(file);
    const result = db.pragma('quick_check', { simple: true });
    if (result !== 'ok') throw new Error(`quick_check: ${String(result)}`);
    configure(db);
    return db;
  } catch (err) {
    options.log.warn({ err, file }, 'database open or integrity check failed');
    try {
      db?.close();
    } catch (closeErr) {
      options.log.debug({ err: closeErr }, 'close after failed check');
    }
    return undefined;
  }
}

function moveAside(file: string, nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().replace(/[:.]/g, '-');
  const aside = `${file}.corrupt-${stamp}`;
  fs.renameSync(file, aside);
  for (const suffix of ['-wal', '-shm']) {
    if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, aside + suffix);
  }
  return aside;
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
