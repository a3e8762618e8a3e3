import type { Log } from '../shared/log.js';
import { isDiskFull, type Reserve } from './diskFull.js';

/** `kept`: transitions and events, queued while the disk is full. `detail`: figures that give way first (dropped). */
export type WriteClass = 'kept' | 'detail';

export interface DiskFullChange {
  readonly full: boolean;
  /** When the episode began (on a clear: the raise it ends). */
  readonly since: number;
  readonly at: number;
  /** Kept writes evicted because the queue was at its bound (0 while the queue holds). */
  readonly lost: number;
}

export interface PendingWritesState {
  readonly diskFull: boolean;
  readonly since: number | null;
  readonly pending: number;
  readonly pendingBytes: number;
  readonly droppedDetail: number;
  readonly lost: number;
}

interface Pending {
  readonly label: string;
  readonly run: () => void;
  readonly bytes: number;
}

/** The part of the SQLite handle a batch needs (store.ts passes the real one). */
export interface BatchDb {
  readonly inTransaction: boolean;
  exec(sql: string): unknown;
}

interface Batched extends Pending {
  readonly cls: WriteClass;
}

export interface PendingWritesDeps {
  readonly log: Log;
  readonly now: () => number;
  readonly reserve?: Reserve;
  readonly maxItems?: number;
  readonly maxBytes?: number;
}

/**
 * Keeps the daemon running when the database's disk fills (SQLITE_FULL). Kept writes wait in a
 * bounded in-memory queue, in order, and are written when space returns (`tick`); detail writes
 * are dropped meanwhile. The first failure releases the disk reserve, so the alarm raised through
 * `onChange` can still be committed and sent. Before, the watchdog's write threw SQLITE_FULL as an
 * uncaught exception and the daemon crash-looped while the transitions of the outage were lost.
 */
export class PendingWrites {
  private queue: Pending[] = [];
  private queuedBytes = 0;
  private full = false;
  private since = 0;
  private droppedDetail = 0;
  private lost = 0;
  private readonly listeners: Array<(c: DiskFullChange) => void> = [];
  private readonly rollbackListeners: Array<() => void> = [];
  /** Writes done inside the open batch, replayed one by one if its commit fails on a full disk. */
  private batched: Batched[] | undefined;

  constructor(private readonly deps: PendingWritesDeps) {}

  onChange(listener: (c: DiskFullChange) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Called after a batch was rolled back, before its writes are replayed (running totals re-read). */
  onRollback(listener: () => void): void {
    this.rollbackListeners.push(listener);
  }

  state(): PendingWritesState {
    return {
      diskFull: this.full,
      since: this.full ? this.since : null,
      pending: this.queue.length,
      pendingBytes: this.queuedBytes,
      droppedDetail: this.droppedDetail,
      lost: this.lost,
    };
  }

  /**
   * Writes now when it can; true when written. A disk-full failure never escapes: the write is
   * queued (`kept`) or dropped (`detail`). Any other error is thrown to the caller as before.
   */
  run(cls: WriteClass, label: string, fn: () => void, bytes = 256): boolean {
    if (cls === 'detail' && this.full) {
      this.droppedDetail += 1;
      return false;
    }
    // Behind earlier queued writes, never before them: the centre orders by seq, history by time.
    if (cls === 'kept' && this.queue.length > 0) {
      this.enqueue({ label, run: fn, bytes });
      this.flush();
      return false;
    }
    if (this.attempt(fn)) {
      this.batched?.push({ cls, label, run: fn, bytes });
      return true;
    }
    if (cls === 'detail') {
      this.droppedDetail += 1;
      return false;
    }
    // The reserve released by the failure may already hold it.
    if (this.attempt(fn)) return true;
    this.enqueue({ label, run: fn, bytes });
    return false;
  }

  /**
   * Runs `fn` in one SQLite transaction: its writes (each its own transaction, nested as a
   * savepoint) share one commit, so one fsync under `synchronous = FULL` instead of one per write.
   * A mass stall of 1,024 cameras made 2,048 commits and took 15 s to persist (#14). Nothing else
   * runs meanwhile (it is synchronous), so no row is read or sent before the commit. A commit that
   * fails on a full disk is rolled back and its writes go through `run` again, one by one (kept ones
   * are queued, in order). Inside another transaction, or in a disk-full episode, `fn` just runs.
   */
  batch<T>(db: BatchDb, fn: () => T): T {
    // While writes wait for disk space each goes on its own, as before.
    if (this.batched || db.inTransaction || this.full || this.queue.length > 0) return fn();
    const done: Batched[] = [];
    this.batched = done;
    db.exec('BEGIN');
    let result: T;
    try {
      result = fn();
    } finally {
      this.batched = undefined;
      this.commit(db, done);
    }
    return result;
  }

  private commit(db: BatchDb, done: readonly Batched[]): void {
    try {
      db.exec('COMMIT');
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      for (const l of this.rollbackListeners) l();
      if (!isDiskFull(err)) throw err;
      this.startEpisode(err);
      for (const w of done) this.run(w.cls, w.label, w.run, w.bytes);
    }
  }

  /** Retries the queue, then, once it is empty and the disk has room for the reserve again, ends the episode. */
  tick(): void {
    this.flush();
    if (!this.full || this.queue.length > 0) return;
    const reserve = this.deps.reserve;
    if (reserve && !this.roomForReserve(reserve)) return;
    this.full = false;
    this.deps.log.warn(
      { droppedDetail: this.droppedDetail, lost: this.lost },
      'database disk has room again',
    );
    this.emit({ full: false, since: this.since, at: this.deps.now(), lost: this.lost });
  }

  /** Room for the reserve and as much again: a disk that just freed a few KiB is still full. */
  private roomForReserve(reserve: Reserve): boolean {
    try {
      return reserve.freeBytes() >= reserve.bytes * 2 && reserve.fill(this.deps.log);
    } catch (err) {
      this.deps.log.warn({ err }, 'cannot measure free space on the database disk');
      return false;
    }
  }

  private flush(): void {
    while (this.queue.length > 0) {
      const next = this.queue[0];
      if (!next) break;
      try {
        if (!this.attempt(next.run)) return;
      } catch (err) {
        // Not the disk: this write would fail forever and block the ones behind it.
        this.lost += 1;
        this.deps.log.error({ err, label: next.label }, 'queued write failed; dropped');
      }
      this.queue.shift();
      this.queuedBytes -= next.bytes;
    }
  }

  /** True when `fn` ran; false on disk full (the episode starts); any other error is thrown. */
  private attempt(fn: () => void): boolean {
    try {
      fn();
      return true;
    } catch (err) {
      if (!isDiskFull(err)) throw err;
      this.startEpisode(err);
      return false;
    }
  }

  private startEpisode(err: unknown): void {
    if (this.full) return;
    this.full = true;
    this.since = this.deps.now();
    this.deps.reserve?.release();
    this.deps.log.error(
      { err },
      'database disk full: transitions held in memory, detail dropped, reserve released',
    );
    this.emit({ full: true, since: this.since, at: this.since, lost: this.lost });
  }

  private enqueue(p: Pending): void {
    this.queue.push(p);
    this.queuedBytes += p.bytes;
    const maxItems = this.deps.maxItems ?? 100_000;
    const maxBytes = this.deps.maxBytes ?? 64 << 20;
    while (this.queue.length > maxItems || this.queuedBytes > maxBytes) {
      const oldest = this.queue.shift();
      if (!oldest) break;
      this.queuedBytes -= oldest.bytes;
      this.lost += 1;
      if (this.lost === 1)
        this.deps.log.error({ label: oldest.label }, 'pending-write queue full: oldest dropped');
    }
  }

  private emit(change: DiskFullChange): void {
    for (const l of [...this.listeners]) {
      try {
        l(change);
      } catch (err) {
        this.deps.log.error({ err }, 'disk-full listener failed');
      }
    }
  }
}
