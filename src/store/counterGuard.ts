import type Database from 'better-sqlite3';
import type { Counters, HighWater } from './highWater.js';

type Db = Database.Database;

/** The uplink keeps its bdSeq under this kv key (src/uplink/uplinkService.ts); the store guards it. */
export const BD_SEQ_KEY = 'uplink.bdSeq';

/** The highest values this database has handed out. */
export function usedCounters(db: Db): Counters {
  const seq = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").get() as
    | { seq: number }
    | undefined;
  const bd = db.prepare('SELECT value FROM kv WHERE key = ?').get(BD_SEQ_KEY) as
    | { value: string }
    | undefined;
  const bdSeq = Number(bd?.value ?? 0);
  return { seq: seq?.seq ?? 0, bdSeq: Number.isSafeInteger(bdSeq) ? bdSeq : 0 };
}

/** Makes the next seq and bdSeq this database hands out start above `floor` (after a rebuild). */
export function seedCounters(db: Db, floor: Counters): void {
  db.transaction(() => {
    const updated = db
      .prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = 'outbox' AND seq < ?")
      .run(floor.seq, floor.seq);
    const exists = db.prepare("SELECT 1 FROM sqlite_sequence WHERE name = 'outbox'").get();
    if (updated.changes === 0 && !exists) {
      db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', ?)").run(floor.seq);
    }
    db.prepare(
      `INSERT INTO kv (key, value) VALUES (?, ?)
       ON CONFLICT(key) DO UPDATE SET value = excluded.value WHERE CAST(value AS INTEGER) < ?`,
    ).run(BD_SEQ_KEY, String(floor.bdSeq), floor.bdSeq);
  })();
}

/**
 * Every write of an outbox seq or of the bdSeq, through any repository, first raises the ceiling
 * file above it: TEMP triggers (this connection only, no schema change) call into `highWater`
 * inside the writing transaction, so an insert whose ceiling could not be made durable fails.
 */
export function guardCounters(db: Db, highWater: HighWater, used: Counters): void {
  highWater.raiseTo(used);
  db.function('camgate_cover', { deterministic: false, varargs: false }, (name: unknown, value: unknown) => {
    const n = Number(value);
    if ((name === 'seq' || name === 'bdSeq') && Number.isSafeInteger(n)) highWater.cover(name, n);
    return null;
  });
  db.exec(`
CREATE TEMP TRIGGER camgate_cover_seq AFTER INSERT ON main.outbox
BEGIN SELECT camgate_cover('seq', NEW.seq); END;
CREATE TEMP TRIGGER camgate_cover_bdseq_ins AFTER INSERT ON main.kv WHEN NEW.key = '${BD_SEQ_KEY}'
BEGIN SELECT camgate_cover('bdSeq', CAST(NEW.value AS INTEGER)); END;
CREATE TEMP TRIGGER camgate_cover_bdseq_upd AFTER UPDATE ON main.kv WHEN NEW.key = '${BD_SEQ_KEY}'
BEGIN SELECT camgate_cover('bdSeq', CAST(NEW.value AS INTEGER)); END;
`);
}
