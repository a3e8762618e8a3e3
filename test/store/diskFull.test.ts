import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLog } from '../../src/shared/log.js';
import { BootRepo } from '../../src/store/bootRepo.js';
import { isDiskFull, RESERVE_FILE } from '../../src/store/diskFull.js';
import { OutboxRepo } from '../../src/store/outboxRepo.js';
import { Store } from '../../src/store/store.js';
import { EventOutbox } from '../../src/uplink/eventOutbox.js';

const isRoot = process.getuid?.() === 0;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

/** A real 8 MiB tmpfs: the database's own small disk. */
function smallDisk(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-full-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dir]);
  cleanups.push(() => {
    execFileSync('umount', [dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Fills the filesystem with a plain file until ENOSPC; returns its path (remove it to free the disk). */
function fill(dir: string): string {
  const file = path.join(dir, 'filler');
  const fd = fs.openSync(file, 'w');
  const chunk = Buffer.alloc(64 << 10, 1);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (err) {
    if (!isDiskFull(err)) throw err;
  }
  // The last partial blocks too.
  try {
    for (;;) fs.writeSync(fd, chunk, 0, 512);
  } catch (err) {
    if (!isDiskFull(err)) throw err;
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

interface Row {
  seq: number;
  type: string;
  payload: string;
}

describe.skipIf(!isRoot)('database disk fills and frees (real tmpfs)', () => {
  it('keeps running, holds transitions in memory, raises and clears db_full, and loses nothing', () => {
    const dir = smallDisk();
    let now = Date.UTC(2026, 11, 5, 10);
    const store = Store.open({ dir, log: silentLog(), now: () => now });
    cleanups.push(() => store.close());
    expect(fs.existsSync(path.join(dir, RESERVE_FILE))).toBe(true);
    const outbox = new EventOutbox({
      repo: new OutboxRepo(store.db, 256_000_000),
      log: silentLog(),
      onAppend: () => undefined,
      writes: store.writes,
    });
    const boots = new BootRepo(store.db);
    boots.start('boot-1', 'test', now);
    const record = (n: number): void => {
      outbox.record({
        type: n % 2 === 0 ? 'outage.start' : 'outage.end',
        cameraId: `cam-${n % 16}`,
        fields: { n, reasons: ['x'.repeat(200)] },
        at: now,
      });
      // Droppable while full: gives way first.
      if (n % 10 === 0)
        outbox.record({
          type: 'clock.drift',
          cameraId: 'cam-1',
          fields: { offsetMs: n },
          priority: 0,
          at: now,
        });
      now += 1000;
    };
    for (let n = 0; n < 50; n += 1) record(n);

    const filler = fill(dir);
    for (let n = 50; n < 1550; n += 1) record(n);
    const full = store.writes.state();
    expect(full.diskFull).toBe(true);
    expect(full.pending).toBeGreaterThan(100);
    expect(full.droppedDetail).toBeGreaterThan(0);
    // The watchdog's write gives way instead of throwing (it crash-looped the daemon). Whether it
    // lands depends on where SQLite is in its WAL; it must not throw either way.
    expect(() => boots.alive('boot-1', now)).not.toThrow();
    expect(store.healthy()).toBe(true);
    const during = store.db.prepare('SELECT seq, type, payload FROM outbox ORDER BY seq').all() as Row[];
    // The raise was committed in the reserve's room, so the centre hears of it during the episode.
    expect(during.some((r) => r.type === 'storage.alarm' && r.payload.includes('"db_full"'))).toBe(true);

    fs.rmSync(filler);
    expect(store.healthy()).toBe(true);
    const after = store.writes.state();
    expect(after).toMatchObject({ diskFull: false, pending: 0, lost: 0 });
    expect(fs.statSync(path.join(dir, RESERVE_FILE)).size).toBeGreaterThanOrEqual(512 << 10);
    const rows = store.db.prepare('SELECT seq, type, payload FROM outbox ORDER BY seq').all() as Row[];
    const kept = rows
      .filter((r) => r.type.startsWith('outage.'))
      .map((r) => (JSON.parse(r.payload) as { n: number }).n);
    expect(kept).toEqual(Array.from({ length: 1550 }, (_, n) => n));
    expect(rows.map((r) => r.seq)).toEqual(
      Array.from({ length: rows.length }, (_, i) => (rows[0]?.seq ?? 0) + i),
    );
    const alarms = rows.filter((r) => r.type.startsWith('storage.alarm')).map((r) => r.type);
    expect(alarms).toEqual(['storage.alarm', 'storage.alarm.cleared']);
    expect(rows[rows.length - 1]?.type).toBe('storage.alarm.cleared');
    expect(store.db.pragma('quick_check', { simple: true })).toBe('ok');
    expect(boots.alive('boot-1', now)).toBe(true);
    store.close();
  }, 60_000);

  it('batches (one commit for many writes, issue #14) on a full disk lose nothing, in order', () => {
    const dir = smallDisk();
    let now = Date.UTC(2026, 11, 5, 10);
    const store = Store.open({ dir, log: silentLog(), now: () => now });
    cleanups.push(() => store.close());
    const repo = new OutboxRepo(store.db, 256_000_000);
    store.writes.onRollback(() => repo.recount());
    const outbox = new EventOutbox({
      repo,
      log: silentLog(),
      onAppend: () => undefined,
      writes: store.writes,
    });
    const filler = fill(dir);
    // Batches of 64 kept events, as one stream tick finding 64 stalls; once the episode has begun
    // they run write by write. (A COMMIT failing and its replay: test/store/pendingWrites.test.ts.)
    for (let b = 0; b < 40; b += 1)
      store.batch(() => {
        for (let i = 0; i < 64; i += 1) {
          const n = b * 64 + i;
          outbox.record({
            type: 'outage.start',
            cameraId: `cam-${n}`,
            fields: { n, pad: 'x'.repeat(300) },
            at: now,
          });
          now += 10;
        }
      });
    expect(store.writes.state().diskFull).toBe(true);
    fs.rmSync(filler);
    expect(store.healthy()).toBe(true);
    expect(store.writes.state()).toMatchObject({ diskFull: false, pending: 0, lost: 0 });
    const rows = store.db
      .prepare("SELECT payload FROM outbox WHERE type = 'outage.start' ORDER BY seq")
      .all() as {
      payload: string;
    }[];
    expect(rows.map((r) => (JSON.parse(r.payload) as { n: number }).n)).toEqual(
      Array.from({ length: 2560 }, (_, n) => n),
    );
    // The running totals agree with the table (a rolled-back batch's appends are not counted).
    const agg = store.db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number };
    expect(repo.depth).toBe(agg.n);
  }, 60_000);
});
