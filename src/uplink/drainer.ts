import type { Clock } from '../shared/clock.js';
import { CamgateError } from '../shared/errors.js';
import type { Log } from '../shared/log.js';
import type { OutboxRepo } from '../store/outboxRepo.js';
import type { Session } from './connection.js';
import { eventFrame } from './eventFrame.js';

export interface DrainerOptions {
  /** Most unacknowledged publishes at once (further bounded by the broker's Receive Maximum). */
  readonly window: number;
  /** Backlog rows per second; 0 = only the window bounds it. Keeps room for live state. */
  readonly replayRatePerSecond: number;
  /** Acks are deleted in batches; one transaction per batch. */
  readonly ackBatch: number;
  /** Longest run of publishes in one task before the drain yields (default 8 ms, #14). */
  readonly sliceMs?: number;
}

/** As the state republish and the ticks: the event loop must not block > 50 ms (#14). */
export const DRAIN_SLICE_MS = 8;
/**
 * Rows a slice sends at least, however long they took: the budget is wall time, and on a box
 * starved of CPU it would be spent after one row, one row per crowded turn of the loop, and a
 * backlog would drain at a fraction of its rate (the state republish did: uplink/statePublisher.ts).
 */
export const DRAIN_SLICE_MIN_ROWS = 32;
/** Most rows one read of the outbox returns (further bounded by the free window). */
export const DRAIN_PAGE_MAX = 512;

export interface DrainerStats {
  readonly inflight: number;
  readonly sent: number;
  readonly acked: number;
  readonly lastPubackAt: number | undefined;
  readonly rejected: number;
  /** The window of the current (or last) session. */
  readonly window: number;
}

interface Waiter {
  resolve: () => void;
}

/**
 * Sends outbox rows in `seq` order on one session and deletes each only after its PUBACK.
 * Rows present when the session began are the backlog (`historical: true`). Publishes are not
 * awaited one by one: up to `window` are in flight, which is what makes a large backlog drain fast
 * while a live state publish waits behind at most `window` small frames.
 */
interface SessionCounter {
  inflight: number;
}

export class OutboxDrainer {
  /** Per session: a late callback of a closed session must not free a slot of the next one. */
  private counter: SessionCounter = { inflight: 0 };
  private sent = 0;
  private acked = 0;
  private rejected = 0;
  private lastPubackAt: number | undefined;
  private pendingAcks: number[] = [];
  private waiter: Waiter | undefined;
  private window = 0;
  /** Slices sent (one task each, one page or more, cut at `sliceMs`; status and tests). */
  slices = 0;

  constructor(
    private readonly deps: {
      readonly outbox: OutboxRepo;
      readonly clock: Clock;
      readonly log: Log;
      readonly topic: string;
      readonly options: DrainerOptions;
    },
  ) {}

  stats(): DrainerStats {
    return {
      inflight: this.counter.inflight,
      sent: this.sent,
      acked: this.acked,
      lastPubackAt: this.lastPubackAt,
      rejected: this.rejected,
      window: this.window,
    };
  }

  /** New rows were appended: a sleeping drain loop wakes. */
  wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.resolve();
  }

  /** Drains until the session closes; resolves then (never rejects). */
  async run(session: Session): Promise<void> {
    const { outbox, log } = this.deps;
    const historicalUpTo = outbox.maxSeq();
    const window = Math.max(
      1,
      Math.min(this.deps.options.window, session.connack.properties?.receiveMaximum ?? 65_535),
    );
    const counter: SessionCounter = { inflight: 0 };
    this.counter = counter;
    const onClose = (): void => this.wake();
    session.closed.addEventListener('abort', onClose, { once: true });
    let lastSent = 0;
    let replayed = 0;
    const startedAt = this.deps.clock.monotonic();
    const sliceMs = this.deps.options.sliceMs ?? DRAIN_SLICE_MS;
    // The slice (one task) in progress: it may span pages, and ends when its budget is spent or the
    // drain waits. `perSlice`: rows the last spent slice sent. A page reads about what the slice
    // still sends, not 512 rows of which a slice on a loaded box sent 32, every slice re-reading the
    // unsent rest from SQLite. Rows stay in the outbox, never in a copy here: a cap eviction or a
    // coalesce may delete unsent rows between two slices, and each page reads them as they are now.
    let slice: { startedAt: number; sent: number } | undefined;
    let perSlice = DRAIN_PAGE_MAX;
    this.window = window;
    log.info({ backlogUpToSeq: historicalUpTo, depth: outbox.depth, window }, 'outbox drain started');
    try {
      while (!session.closed.aborted) {
        if (counter.inflight >= window) {
          slice = undefined;
          await this.sleep();
          continue;
        }
        const want = Math.max(DRAIN_SLICE_MIN_ROWS, perSlice - (slice?.sent ?? 0));
        const rows = outbox.page(lastSent, Math.min(DRAIN_PAGE_MAX, want, window - counter.inflight));
        if (rows.length === 0) {
          this.flushAcks();
          slice = undefined;
          await this.sleep();
          continue;
        }
        if (slice === undefined) {
          slice = { startedAt: this.deps.clock.monotonic(), sent: 0 };
          this.slices += 1;
        }
        let spent = false;
        for (const row of rows) {
          if (session.closed.aborted) break;
          const historical = row.seq <= historicalUpTo;
          this.publish(session, counter, row.seq, eventFrame(row, historical));
          lastSent = row.seq;
          if (historical) replayed += 1;
          // A page of 512 frames in one task blocked the loop; the next page starts after lastSent.
          slice.sent += 1;
          spent =
            slice.sent >= DRAIN_SLICE_MIN_ROWS && this.deps.clock.monotonic() - slice.startedAt >= sliceMs;
          if (spent) break;
        }
        if (spent) perSlice = slice.sent;
        const paced = await this.pace(session, replayed, startedAt, lastSent <= historicalUpTo);
        if (spent && !paced) await this.yieldTurn(session);
        if (spent || paced) slice = undefined;
      }
    } finally {
      session.closed.removeEventListener('abort', onClose);
      this.flushAcks();
    }
  }

  private publish(session: Session, counter: SessionCounter, seq: number, payload: string): void {
    counter.inflight += 1;
    this.sent += 1;
    session.client.publish(this.deps.topic, payload, { qos: 1, retain: false }, (err) => {
      counter.inflight -= 1;
      if (err) {
        this.onPublishError(session, seq, err);
      } else {
        this.lastPubackAt = this.deps.clock.now();
        this.pendingAcks.push(seq);
        if (this.pendingAcks.length >= this.deps.options.ackBatch) this.flushAcks();
      }
      this.wake();
    });
  }

  /**
   * A PUBACK with a failure reason (MQTT 5, e.g. 0x87 not authorized by the broker's ACL) is not
   * a delivery: the row stays and the session is ended, so we back off instead of spinning.
   */
  private onPublishError(session: Session, seq: number, err: Error): void {
    if (session.closed.aborted) return;
    this.rejected += 1;
    this.deps.log.error(
      { err: new CamgateError('MQTT', `event seq ${seq} refused: ${err.message}`, { cause: err }) },
      'broker refused an outbox event; kept for retry',
    );
    session.fail(err);
  }

  private flushAcks(): void {
    if (this.pendingAcks.length === 0) return;
    const seqs = this.pendingAcks;
    this.pendingAcks = [];
    try {
      this.acked += this.deps.outbox.ack(seqs);
    } catch (err) {
      // The rows stay and are resent; the centre dedupes by eventId.
      this.deps.log.error({ err }, 'could not delete acknowledged outbox rows');
    }
  }

  /** Token pacing for the backlog only; live rows go as fast as the window allows. */
  /** Whether it slept (a timer: other tasks ran meanwhile). */
  private async pace(
    session: Session,
    replayed: number,
    startedAt: number,
    inBacklog: boolean,
  ): Promise<boolean> {
    const rate = this.deps.options.replayRatePerSecond;
    if (!inBacklog || rate <= 0) return false;
    const dueAt = startedAt + (replayed / rate) * 1000;
    const ahead = dueAt - this.deps.clock.monotonic();
    if (ahead <= 1) return false;
    await this.sleepUnlessClosed(session, ahead);
    return true;
  }

  /** A 0 ms timer: sockets, ticks and the control API run before the next slice of the drain. */
  private yieldTurn(session: Session): Promise<void> {
    return this.sleepUnlessClosed(session, 0);
  }

  private async sleepUnlessClosed(session: Session, ms: number): Promise<void> {
    try {
      await this.deps.clock.sleep(ms, session.closed);
    } catch (err) {
      // Only an abort lands here: the session closed while waiting; the loop condition ends the drain.
      this.deps.log.debug({ err }, 'drain wait interrupted');
    }
  }

  private sleep(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiter?.resolve();
      this.waiter = { resolve };
    });
  }
}
