import { describe, expect, it } from 'vitest';
import { silentLog } from '../../src/shared/log.js';
import type { BatchDb } from '../../src/store/pendingWrites.js';
import { PendingWrites } from '../../src/store/pendingWrites.js';

/** The SQL a batch sends, and a COMMIT that fails the way SQLite does on a full disk. */
class ScriptedDb implements BatchDb {
  inTransaction = false;
  readonly sql: string[] = [];
  constructor(private readonly commitError?: Error & { code: string }) {}
  exec(sql: string): void {
    this.sql.push(sql);
    if (sql === 'BEGIN') this.inTransaction = true;
    if (sql === 'ROLLBACK') this.inTransaction = false;
    if (sql === 'COMMIT') {
      if (this.commitError) throw this.commitError;
      this.inTransaction = false;
    }
  }
}

const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });

describe('PendingWrites.batch (issue #14: one commit for a tick of 1,024 transitions)', () => {
  it('runs the writes inside one BEGIN/COMMIT', () => {
    const writes = new PendingWrites({ log: silentLog(), now: () => 0 });
    const db = new ScriptedDb();
    const ran: string[] = [];
    writes.batch(db, () => {
      for (const w of ['a', 'b', 'c']) writes.run('kept', w, () => ran.push(w));
    });
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(db.sql).toEqual(['BEGIN', 'COMMIT']);
  });

  it('a COMMIT failing on a full disk is rolled back and its kept writes queued in order, detail dropped', () => {
    const writes = new PendingWrites({ log: silentLog(), now: () => 0 });
    const db = new ScriptedDb(full);
    let rolledBack = 0;
    writes.onRollback(() => {
      rolledBack += 1;
    });
    const committed: string[] = [];
    let diskFull = true;
    const write = (label: string) => () => {
      if (diskFull && db.sql.at(-1) !== 'BEGIN' && !db.inTransaction) throw full;
      committed.push(label);
    };
    writes.batch(db, () => {
      writes.run('kept', 'k1', write('k1'));
      writes.run('detail', 'd1', write('d1'));
      writes.run('kept', 'k2', write('k2'));
    });
    expect(db.sql).toEqual(['BEGIN', 'COMMIT', 'ROLLBACK']);
    expect(rolledBack).toBe(1);
    expect(writes.state()).toMatchObject({ diskFull: true, pending: 2, droppedDetail: 1 });
    // Space returns: the kept writes land, in their order, once each more.
    committed.length = 0;
    diskFull = false;
    writes.tick();
    expect(committed).toEqual(['k1', 'k2']);
    expect(writes.state()).toMatchObject({ diskFull: false, pending: 0, lost: 0 });
  });

  it('does not batch during a disk-full episode or inside another transaction', () => {
    const writes = new PendingWrites({ log: silentLog(), now: () => 0 });
    const db = new ScriptedDb();
    db.inTransaction = true;
    writes.batch(db, () => writes.run('kept', 'x', () => undefined));
    expect(db.sql).toEqual([]);
  });
});
