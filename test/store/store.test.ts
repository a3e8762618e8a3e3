import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLog } from '../../src/shared/log.js';
import { DB_FILE, Store } from '../../src/store/store.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-store-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('Store', () => {
  it('opens with WAL, synchronous=FULL and every migration applied', () => {
    const store = Store.open({ dir: tempDir(), log: silentLog() });
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(store.schemaVersion).toBeGreaterThanOrEqual(1);
    const tables = store.db.prepare("SELECT name FROM sqlite_master WHERE type='table'").all() as {
      name: string;
    }[];
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['cameras', 'transitions', 'outages', 'outbox', 'boots', 'kv']),
    );
    store.close();
  });

  it('applies only new migrations, each in a transaction', () => {
    const dir = tempDir();
    Store.open({ dir, log: silentLog() }).close();
    const m = [
      { version: 1, name: 'a', sql: 'CREATE TABLE a (x INTEGER) STRICT;' },
      { version: 2, name: 'b', sql: 'CREATE TABLE b (x INTEGER) STRICT; CREATE TABLE a (y INTEGER);' },
    ];
    const fresh = tempDir();
    expect(() => Store.open({ dir: fresh, log: silentLog(), migrations: m })).toThrow(/migration 2/);
    const db = new Database(path.join(fresh, DB_FILE));
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name='b'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('keeps data across reopen', () => {
    const dir = tempDir();
    const a = Store.open({ dir, log: silentLog() });
    a.setKv('bdSeq', '7');
    a.close();
    const b = Store.open({ dir, log: silentLog() });
    expect(b.getKv('bdSeq')).toBe('7');
    b.close();
  });

  it('moves a corrupt database aside and starts fresh (regression: NVR power loss left a torn file)', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, DB_FILE), Buffer.alloc(8192, 0x5a));
    const store = Store.open({ dir, log: silentLog(), now: () => Date.UTC(2026, 0, 2) });
    expect(store.healthy()).toBe(true);
    const aside = fs.readdirSync(dir).filter((f) => f.includes('.corrupt-'));
    expect(aside).toEqual(['camgate.db.corrupt-2026-01-02T00-00-00-000Z']);
    expect(fs.statSync(path.join(dir, aside[0]!)).size).toBe(8192);
    store.close();
  });
});
