import { randomBytes } from 'node:crypto';
import { monotonicFactory, type ULIDFactory } from 'ulid';
import { coalesceFlapping } from './outboxCoalesce.js';
import type { Db } from './store.js';

/**
 * Events waiting for the centre's PUBACK. Priority decides what the byte cap drops first:
 * 0 = droppable (metrics-like), 1 = keep (transitions, outages, inventory), 2 = alarm (overflow).
 */
export type OutboxPriority = 0 | 1 | 2;

export interface OutboxRow {
  readonly seq: number;
  readonly eventId: string;
  readonly type: string;
  readonly cameraId: string | null;
  /** JSON object text: the event's own fields, including `ts`. */
  readonly payload: string;
  readonly bytes: number;
  readonly priority: number;
  readonly createdAt: string;
}

export interface AppendInput {
  readonly type: string;
  readonly cameraId?: string | null;
  readonly body: Readonly<Record<string, unknown>>;
  readonly priority?: OutboxPriority;
  readonly at: number;
}

export interface AppendResult {
  /** False only for a priority-0 event that did not fit under the cap (it was dropped instead). */
  readonly stored: boolean;
  /** 0 when not stored. */
  readonly seq: number;
  readonly eventId: string;
  /** Rows deleted to make room under the cap (0 almost always). */
  readonly dropped: number;
  readonly droppedSeqs: { readonly first: number; readonly last: number } | undefined;
  /** What was evicted, by event type (empty when nothing was). */
  readonly droppedTypes: Readonly<Record<string, number>>;
  /** Transitions folded into `outage.summary` rows to make room (nothing lost). */
  readonly coalesced: number;
}

/**
 * ulid's default PRNG asks the OS for one byte per character (~6,000 ids/s); a pooled buffer of
 * the same CSPRNG makes an id cost microseconds, which a million-event backlog needs.
 */
function pooledRandom(): () => number {
  let pool = randomBytes(4096);
  let at = 0;
  return () => {
    if (at >= pool.length) {
      pool = randomBytes(4096);
      at = 0;
    }
    const byte = pool[at] ?? 0;
    at += 1;
    return byte / 256;
  };
}

/** Per-row overhead on top of the payload text: columns, index entries, page slack (measured, rounded up). */
const ROW_OVERHEAD = 96;

/**
 * SQLite outbox. `seq` is AUTOINCREMENT, so it strictly increases and is never reused even after
 * rows are deleted; a row is deleted only when its PUBACK arrived (`ack`) or the cap drops it.
 */
export class OutboxRepo {
  private totalBytes: number;
  private totalRows: number;
  /** Monotonic: ids created in the same millisecond still sort in seq order. */
  private readonly ulid: ULIDFactory = monotonicFactory(pooledRandom());
  private readonly insertStmt;
  private readonly deleteStmt;
  private readonly pageStmt;
  private readonly oldestStmt;

  constructor(
    private readonly db: Db,
    private readonly maxBytes: number,
  ) {
    this.totalRows = 0;
    this.totalBytes = 0;
    this.recount();
    this.insertStmt = db.prepare(
      `INSERT INTO outbox (event_id, type, camera_id, payload, bytes, priority, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.deleteStmt = db.prepare('DELETE FROM outbox WHERE seq = ? RETURNING bytes');
    this.pageStmt = db.prepare(
      `SELECT seq, event_id AS eventId, type, camera_id AS cameraId, payload, bytes, priority,
              created_at AS createdAt
         FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?`,
    );
    this.oldestStmt = db.prepare(
      'SELECT seq, bytes, type FROM outbox WHERE priority = ? ORDER BY seq LIMIT ?',
    );
  }

  get depth(): number {
    return this.totalRows;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get capBytes(): number {
    return this.maxBytes;
  }

  /** Commits the event (and any cap eviction) in one transaction before anyone may send it. */
  append(input: AppendInput): AppendResult {
    return this.atomically(() => this.appendInTx(input));
  }

  /** Many appends in one transaction (bulk import, benchmarks). */
  appendMany(inputs: readonly AppendInput[]): AppendResult[] {
    return this.atomically(() => inputs.map((i) => this.appendInTx(i)));
  }

  /**
   * The running totals move with the transaction: on a full disk the COMMIT (the WAL write) is
   * what fails, after the inserts counted themselves, and the rolled-back rows must not stay counted.
   */
  private atomically<T>(work: () => T): T {
    const [rows, bytes] = [this.totalRows, this.totalBytes];
    try {
      return this.db.transaction(work)();
    } catch (err) {
      this.totalRows = rows;
      this.totalBytes = bytes;
      throw err;
    }
  }

  /**
   * Reads the running totals from the table again: after a batch (`PendingWrites.batch`) whose
   * commit failed, appends that counted themselves inside it were rolled back.
   */
  recount(): void {
    const agg = this.db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS b FROM outbox').get() as {
      n: number;
      b: number;
    };
    this.totalRows = agg.n;
    this.totalBytes = agg.b;
  }

  /** Highest seq still in the outbox, 0 when empty. */
  maxSeq(): number {
    const row = this.db.prepare('SELECT COALESCE(MAX(seq), 0) AS m FROM outbox').get() as { m: number };
    return row.m;
  }

  /** Rows with seq > afterSeq, oldest first. */
  page(afterSeq: number, limit: number): OutboxRow[] {
    return this.pageStmt.all(afterSeq, limit) as OutboxRow[];
  }

  /** Deletes acknowledged rows; returns how many were still present. */
  ack(seqs: readonly number[]): number {
    if (seqs.length === 0) return 0;
    return this.db.transaction(() => {
      let n = 0;
      for (const seq of seqs) {
        const row = this.deleteStmt.get(seq) as { bytes: number } | undefined;
        if (!row) continue;
        n += 1;
        this.totalRows -= 1;
        this.totalBytes -= row.bytes;
      }
      return n;
    })();
  }

  private appendInTx(input: AppendInput): AppendResult {
    const payload = JSON.stringify(input.body);
    const bytes = Buffer.byteLength(payload) + ROW_OVERHEAD;
    const priority = input.priority ?? 1;
    const evicted = this.makeRoom(bytes, priority);
    if (priority === 0 && this.totalBytes + bytes > this.maxBytes) {
      // Only kept events fill the outbox: the droppable newcomer is the one dropped.
      const droppedTypes = { ...evicted.types, [input.type]: (evicted.types[input.type] ?? 0) + 1 };
      return {
        stored: false,
        seq: 0,
        eventId: '',
        dropped: evicted.count + 1,
        droppedSeqs: evicted.range,
        droppedTypes,
        coalesced: evicted.coalesced,
      };
    }
    const { seq, eventId } = this.insertRow(input.type, input.cameraId ?? null, payload, priority, input.at);
    return {
      stored: true,
      seq,
      eventId,
      dropped: evicted.count,
      droppedSeqs: evicted.range,
      droppedTypes: evicted.types,
      coalesced: evicted.coalesced,
    };
  }

  private insertRow(
    type: string,
    cameraId: string | null,
    payload: string,
    priority: number,
    at: number,
  ): { seq: number; eventId: string; bytes: number } {
    const bytes = Buffer.byteLength(payload) + ROW_OVERHEAD;
    const eventId = this.ulid(Math.floor(at));
    const info = this.insertStmt.run(
      eventId,
      type,
      cameraId,
      payload,
      bytes,
      priority,
      new Date(at).toISOString(),
    );
    this.totalRows += 1;
    this.totalBytes += bytes;
    return { seq: Number(info.lastInsertRowid), eventId, bytes };
  }

  /** Before any transition is evicted, flapping cameras are folded into summaries (src/store/outboxCoalesce.ts). */
  private coalesce(needBytes: number): number {
    return coalesceFlapping(
      this.db,
      {
        remove: (seq) => {
          const row = this.deleteStmt.get(seq) as { bytes: number } | undefined;
          if (!row) return 0;
          this.totalRows -= 1;
          this.totalBytes -= row.bytes;
          return row.bytes;
        },
        insert: (r) => this.insertRow(r.type, r.cameraId, JSON.stringify(r.body), 1, r.at).bytes,
      },
      needBytes,
    ).folded;
  }

  /**
   * Cap policy: evict the oldest rows of priority 0; then fold flapping into summaries; then evict
   * the oldest of priority 1, then 2 (never above the incoming row's priority) until the new row
   * fits. Priority-2 alarms are therefore kept over everything; a priority-0 row that still does
   * not fit is not stored.
   */
  private makeRoom(
    bytes: number,
    priority: number,
  ): {
    count: number;
    range: { first: number; last: number } | undefined;
    types: Record<string, number>;
    coalesced: number;
  } {
    let count = 0;
    let coalesced = 0;
    let first = Number.POSITIVE_INFINITY;
    let last = 0;
    const types: Record<string, number> = {};
    for (let p = 0; p <= priority && this.totalBytes + bytes > this.maxBytes; p += 1) {
      if (p === 1) coalesced = this.coalesce(this.totalBytes + bytes - this.maxBytes);
      while (this.totalBytes + bytes > this.maxBytes) {
        const victims = this.oldestStmt.all(p, 32) as { seq: number; bytes: number; type: string }[];
        if (victims.length === 0) break;
        for (const v of victims) {
          if (this.totalBytes + bytes <= this.maxBytes) break;
          this.deleteStmt.run(v.seq);
          this.totalRows -= 1;
          this.totalBytes -= v.bytes;
          count += 1;
          types[v.type] = (types[v.type] ?? 0) + 1;
          first = Math.min(first, v.seq);
          last = Math.max(last, v.seq);
        }
      }
    }
    return { count, range: count > 0 ? { first, last } : undefined, types, coalesced };
  }
}
