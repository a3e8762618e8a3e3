import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CamgateError } from '../../src/shared/errors.js';
import { silentLog } from '../../src/shared/log.js';
import { BD_SEQ_KEY as STORE_BD_SEQ_KEY } from '../../src/store/counterGuard.js';
import { HIGH_WATER_FILE, HighWaterFile, LEASE } from '../../src/store/highWater.js';
import { OutboxRepo } from '../../src/store/outboxRepo.js';
import { DB_FILE, Store } from '../../src/store/store.js';
import { BD_SEQ_KEY as UPLINK_BD_SEQ_KEY } from '../../src/uplink/uplinkService.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-rebuild-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 0, 2);

/** A used database: `events` outbox rows (the first `acked` of them acknowledged) and a bdSeq. */
function usedDatabase(dir: string, events: number, acked: number, bdSeq: number): void {
  const store = Store.open({ dir, log: silentLog(), now: () => T0 });
  const outbox = new OutboxRepo(store.db, 256 * 1024 * 1024);
  for (let i = 0; i < events; i += 1) {
    outbox.append({
      type: 'outage.start',
      cameraId: `cam-${i}`,
      body: { n: i, pad: 'x'.repeat(300) },
      at: T0,
    });
  }
  outbox.ack(Array.from({ length: acked }, (_, i) => i + 1));
  store.setKv(STORE_BD_SEQ_KEY, String(bdSeq));
  store.close();
}

function outboxRows(store: Store): { seq: number; type: string; payload: string }[] {
  return store.db.prepare('SELECT seq, type, payload FROM outbox ORDER BY seq').all() as {
    seq: number;
    type: string;
    payload: string;
  }[];
}

function asideFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.includes('.corrupt-'));
}

/** The open must fail with STORE_OPEN naming the path and the errno, and leave the database as it was. */
function expectRefusedAndIntact(dir: string, open: () => unknown, errno: RegExp): void {
  let thrown: unknown;
  try {
    open();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(CamgateError);
  const e = thrown as CamgateError;
  expect(e.code).toBe('STORE_OPEN');
  expect(e.message).toContain(path.join(dir, DB_FILE));
  expect(e.message).toMatch(errno);
  expect(asideFiles(dir)).toEqual([]);
}

const isRoot = process.getuid?.() === 0;

describe('Store: a healthy database is never thrown away', () => {
  it('the store and the uplink guard the same bdSeq key', () => {
    expect(STORE_BD_SEQ_KEY).toBe(UPLINK_BD_SEQ_KEY);
  });

  it('a database held by another process (SQLITE_BUSY) is refused, not moved aside (regression: it was rebuilt, losing the outbox)', () => {
    const dir = tempDir();
    usedDatabase(dir, 5, 0, 3);
    // Another process-like connection holds an exclusive lock through a write.
    const holder = new Database(path.join(dir, DB_FILE));
    holder.pragma('locking_mode = EXCLUSIVE');
    holder.exec('BEGIN EXCLUSIVE');
    try {
      expectRefusedAndIntact(dir, () => Store.open({ dir, log: silentLog() }), /SQLITE_BUSY/);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    const store = Store.open({ dir, log: silentLog() });
    expect(outboxRows(store)).toHaveLength(5);
    expect(store.rebuilt).toBeUndefined();
    store.close();
  }, 20_000);

  it('a directory where the database should be (EISDIR) is refused with the path and errno', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, DB_FILE));
    fs.writeFileSync(path.join(dir, DB_FILE, 'keep'), 'x');
    expectRefusedAndIntact(dir, () => Store.open({ dir, log: silentLog() }), /EISDIR/);
    expect(fs.readFileSync(path.join(dir, DB_FILE, 'keep'), 'utf8')).toBe('x');
  });

  it.skipIf(!isRoot)(
    'an unreadable database (EACCES, as the service user) is refused and kept',
    () => {
      const dir = tempDir();
      usedDatabase(dir, 3, 0, 1);
      fs.chmodSync(dir, 0o755);
      fs.chmodSync(path.join(dir, DB_FILE), 0o600);
      // Open as nobody (65534) in a child: root bypasses permission checks. The child loads the
      // code as root and only then drops to nobody, so the checkout need not be world-readable
      // (a fresh clone under a 0700 mktemp directory is not).
      const script = `
      import { Store } from ${JSON.stringify(path.resolve('src/store/store.ts'))};
      import { silentLog } from ${JSON.stringify(path.resolve('src/shared/log.ts'))};
      process.setgid(65534);
      process.setuid(65534);
      try { Store.open({ dir: ${JSON.stringify(dir)}, log: silentLog() }); console.log('opened'); }
      catch (e) { console.log(e.code + ' ' + e.message); }`;
      const out = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        encoding: 'utf8',
        cwd: process.cwd(),
      });
      expect(out.stdout).toMatch(/^STORE_OPEN cannot open database .*camgate\.db: EACCES/);
      expect(asideFiles(dir)).toEqual([]);
      const store = Store.open({ dir, log: silentLog() });
      expect(outboxRows(store)).toHaveLength(3);
      store.close();
    },
    20_000,
  );

  it.skipIf(!isRoot)('a database on a filesystem remounted read-only (EROFS) is refused and kept', () => {
    const mnt = tempDir();
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt]);
    try {
      usedDatabase(mnt, 4, 0, 2);
      execFileSync('mount', ['-o', 'remount,ro', mnt]);
      expectRefusedAndIntact(mnt, () => Store.open({ dir: mnt, log: silentLog() }), /EROFS/);
      execFileSync('mount', ['-o', 'remount,rw', mnt]);
      const store = Store.open({ dir: mnt, log: silentLog() });
      expect(outboxRows(store)).toHaveLength(4);
      store.close();
    } finally {
      execFileSync('umount', [mnt]);
    }
  });
});

describe('Store: a corrupt database is rebuilt with counters that never go back', () => {
  it('a torn file (truncated mid-page) is kept aside; seq and bdSeq continue above the old ones; store.rebuilt says what may be missing', () => {
    const dir = tempDir();
    usedDatabase(dir, 400, 150, 42);
    const file = path.join(dir, DB_FILE);
    const size = fs.statSync(file).size;
    fs.truncateSync(file, Math.floor(size / 2 / 4096) * 4096 + 1000);
    const store = Store.open({ dir, log: silentLog(), now: () => T0 + 1000 });
    expect(store.rebuilt).toBeDefined();
    expect(store.rebuilt?.reason).toMatch(/SQLITE_CORRUPT|quick_check/);
    expect(asideFiles(dir)).toContain('camgate.db.corrupt-2026-01-02T00-00-01-000Z');
    const rows = outboxRows(store);
    expect(rows).toHaveLength(1);
    const event = rows[0];
    expect(event?.type).toBe('store.rebuilt');
    // Above every seq the old database used (400), never back at 1.
    expect(event?.seq).toBeGreaterThan(400);
    const body = JSON.parse(event?.payload ?? '{}') as { missingSeqs: { from: number | null; to: number } };
    expect(body.missingSeqs.to).toBeGreaterThanOrEqual(400);
    expect(body.missingSeqs.to).toBe((event?.seq ?? 0) - 1);
    if (body.missingSeqs.from !== null) expect(body.missingSeqs.from).toBeLessThanOrEqual(151);
    expect(Number(store.getKv(STORE_BD_SEQ_KEY))).toBeGreaterThanOrEqual(42);
    // The next ordinary event continues after store.rebuilt.
    const next = new OutboxRepo(store.db, 1 << 30).append({ type: 'outage.end', body: {}, at: T0 });
    expect(next.seq).toBe((event?.seq ?? 0) + 1);
    store.close();
    // And a later healthy reopen is not a rebuild.
    const again = Store.open({ dir, log: silentLog() });
    expect(again.rebuilt).toBeUndefined();
    expect(outboxRows(again).map((r) => r.seq)).toEqual([event?.seq, next.seq]);
    again.close();
  });

  it('without the high-water file, a junk file (SQLITE_NOTADB) still rebuilds (counters from 0 only when nothing is known)', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, DB_FILE), Buffer.alloc(8192, 0x5a));
    const store = Store.open({ dir, log: silentLog(), now: () => T0 });
    expect(store.rebuilt?.reason).toMatch(/SQLITE_NOTADB/);
    expect(store.rebuilt?.missingSeqs).toEqual({ from: null, to: 0 });
    expect(outboxRows(store).map((r) => r.type)).toEqual(['store.rebuilt']);
    store.close();
  });

  it('the ceiling file stays above every committed seq and bdSeq (leased ahead, fsynced before use)', () => {
    const dir = tempDir();
    const store = Store.open({ dir, log: silentLog() });
    const outbox = new OutboxRepo(store.db, 1 << 30);
    for (let i = 0; i < LEASE.seq + 5; i += 1) outbox.append({ type: 'outage.start', body: {}, at: T0 });
    store.setKv(STORE_BD_SEQ_KEY, String(LEASE.bdSeq + 3));
    const hw = HighWaterFile.open(dir);
    const ceiling = hw.read(silentLog());
    hw.close();
    expect(ceiling?.seq).toBeGreaterThanOrEqual(outbox.maxSeq());
    expect(ceiling?.bdSeq).toBeGreaterThanOrEqual(LEASE.bdSeq + 3);
    store.close();
  });

  it('a ceiling file whose latest slot was torn falls back to the other slot', () => {
    const dir = tempDir();
    const hw = HighWaterFile.open(dir);
    hw.write({ seq: 100, bdSeq: 5 });
    hw.write({ seq: 200, bdSeq: 6 });
    hw.close();
    // Tear the newest slot (gen 2 lives in slot 0).
    const fd = fs.openSync(path.join(dir, HIGH_WATER_FILE), 'r+');
    fs.writeSync(fd, Buffer.from('garbage'), 0, 7, 30);
    fs.closeSync(fd);
    const again = HighWaterFile.open(dir);
    expect(again.read(silentLog())).toEqual({ seq: 100, bdSeq: 5 });
    again.close();
  });
});
