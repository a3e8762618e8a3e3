import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { beforeAll } from 'vitest';
import type { StoreConfig } from '../../src/centre/store/openDb.js';
import { repoRoot } from '../helpers/cli.js';
import { deferCleanup } from '../helpers/testCleanup.js';
import { freePort } from '../uplink/helpers/mosquitto.js';

const SCRIPT = path.join(repoRoot, 'scripts/pg-temp.sh');
export const noPostgres = fs.existsSync('/usr/lib/postgresql') ? '' : 'PostgreSQL is not installed';

/** A throwaway PostgreSQL cluster (scripts/pg-temp.sh) on a free loopback port; a fresh database per call of `fresh`. */
export class TempPostgres {
  private n = 0;

  private constructor(
    readonly dir: string,
    readonly url: string,
  ) {}

  static async start(): Promise<TempPostgres> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-pg-'));
    const port = await freePort();
    const url = execFileSync('bash', [SCRIPT, 'start', dir, String(port)], { encoding: 'utf8' }).trim();
    return new TempPostgres(dir, url);
  }

  async fresh(): Promise<StoreConfig> {
    this.n += 1;
    const name = `t${process.pid}_${this.n}`;
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      await client.query(`create database ${name}`);
    } finally {
      await client.end();
    }
    return { driver: 'postgres', path: '', url: this.url.replace(/\/centre$/, `/${name}`) };
  }

  stop(): void {
    execFileSync('bash', [SCRIPT, 'stop', this.dir]);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Every store driver the centre is tested on here: SQLite always, PostgreSQL where installed. */
export type StoreDriver = 'sqlite' | 'postgres';
export const STORES: ReadonlyArray<{ driver: StoreDriver }> = [
  { driver: 'sqlite' },
  ...(noPostgres ? [] : [{ driver: 'postgres' as const }]),
];

/**
 * One throwaway PostgreSQL for the calling test file (started in `beforeAll`, stopped when the
 * file ends; none where PostgreSQL is not installed). Returns `fresh(driver, dbFile)`: a new empty
 * store of that driver, the SQLite file `dbFile` or a fresh PostgreSQL database.
 */
export function useStores(): (driver: StoreDriver, dbFile: string) => Promise<StoreConfig> {
  let server: TempPostgres | undefined;
  beforeAll(async () => {
    if (noPostgres) return;
    server = await TempPostgres.start();
    deferCleanup(() => server?.stop());
  }, 60_000);
  return async (driver, dbFile) => (driver === 'sqlite' ? { driver, path: dbFile } : server!.fresh());
}
