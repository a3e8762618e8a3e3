import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { systemClock } from '../../shared/clock.js';
import { CamgateError } from '../../shared/errors.js';
import { MIGRATIONS } from './migrations.js';
import type { CentreDb } from './schema.js';

export interface StoreConfig {
  readonly driver: 'sqlite' | 'postgres';
  readonly path: string;
  readonly url?: string | undefined;
  readonly password?: string | undefined;
}

/**
 * Opens the centre's database through Kysely and brings it to the latest migration. Kysely
 * because one typed query builder speaks both SQLite (embedded default) and PostgreSQL (a real
 * centre): one schema, one set of numbered migrations, no second hand-written dialect.
 */
export async function openCentreDb(
  config: StoreConfig,
  sleep = systemClock.sleep,
): Promise<Kysely<CentreDb>> {
  const db = config.driver === 'postgres' ? await postgres(config) : sqlite(config.path);
  // Workers started together on one new SQLite file race for the first migration: Kysely's lock
  // is a no-op on SQLite, and the loser's deferred transaction fails with SQLITE_BUSY at once.
  // The winner's migrations are then done, so a retry finds nothing left to do.
  const attempts = config.driver === 'sqlite' ? 5 : 1;
  for (let attempt = 1; ; attempt += 1) {
    const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
    const { error, results } = await migrator.migrateToLatest();
    if (!error) return db;
    if (attempt < attempts) {
      await sleep(100 * attempt + Math.floor(Math.random() * 100));
      continue;
    }
    await db.destroy();
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new CamgateError('STORE_OPEN', `centre database migration ${failed} failed`, { cause: error });
  }
}

const sqliteDbs = new WeakSet<Kysely<CentreDb>>();

/**
 * Runs `fn` in one write transaction. On SQLite it is `BEGIN IMMEDIATE`: several workers share the
 * file, and a deferred transaction that reads first and then writes after another worker committed
 * fails with SQLITE_BUSY_SNAPSHOT at once, which no busy timeout retries.
 */
export async function writeTransaction<T>(
  db: Kysely<CentreDb>,
  fn: (trx: Kysely<CentreDb>) => Promise<T>,
): Promise<T> {
  if (!sqliteDbs.has(db)) return db.transaction().execute(fn);
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await fn(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (err) {
      await sql`rollback`.execute(conn);
      throw err;
    }
  });
}

/** Runs several reads on one consistent snapshot (the figure must not mix two moments). */
export function readSnapshot<T>(db: Kysely<CentreDb>, fn: (trx: Kysely<CentreDb>) => Promise<T>): Promise<T> {
  if (sqliteDbs.has(db)) return db.transaction().execute(fn);
  return db.transaction().setIsolationLevel('repeatable read').execute(fn);
}

function sqlite(file: string): Kysely<CentreDb> {
  let database: Database.Database;
  try {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    database = new Database(file);
  } catch (err) {
    throw new CamgateError('STORE_OPEN', `cannot open centre database ${file}`, { cause: err });
  }
  database.pragma('journal_mode = WAL');
  // NORMAL under WAL survives a process crash; events are only acknowledged to the broker after
  // their transaction commits, so a power cut loses nothing the broker cannot redeliver.
  database.pragma('synchronous = NORMAL');
  // Several centre workers may share one file (shared subscriptions): wait for the writer.
  database.pragma('busy_timeout = 10000');
  const db = new Kysely<CentreDb>({ dialect: new SqliteDialect({ database }) });
  sqliteDbs.add(db);
  return db;
}

async function postgres(config: StoreConfig): Promise<Kysely<CentreDb>> {
  // Loaded only for PostgreSQL, so an embedded centre never loads the driver.
  const pg = await import('pg');
  const pool = new pg.default.Pool({
    connectionString: config.url,
    ...(config.password !== undefined ? { password: config.password } : {}),
    max: 4,
  });
  return new Kysely<CentreDb>({ dialect: new PostgresDialect({ pool }) });
}
