import type { Log } from '../shared/log.js';
import type { AppendResult, OutboxPriority, OutboxRepo } from '../store/outboxRepo.js';
import type { DiskFullChange, PendingWrites, PendingWritesState } from '../store/pendingWrites.js';
import type { EventType } from './payloads.js';

export interface RecordedEvent {
  readonly type: EventType;
  readonly cameraId?: string | null;
  /** Event-specific fields; `ts` is added from `at`. */
  readonly fields?: Readonly<Record<string, unknown>>;
  readonly priority?: OutboxPriority;
  readonly at: number;
}

/** Below this share of the cap the overflow alarm re-arms (hysteresis: one alarm per episode). */
const REARM_RATIO = 0.9;

export interface EventOutboxDeps {
  readonly repo: OutboxRepo;
  readonly log: Log;
  readonly onAppend: () => void;
  /** The store's disk-full guard: events wait in memory while the database's disk is full. */
  readonly writes?: PendingWrites;
}

/**
 * The write side of the outbox with the cap policy's alarm: when an append had to evict rows,
 * one `outbox.overflow` event (priority 2, kept over everything) records what was lost, and the
 * `dropped` counter grows. The centre sees the seq gap explained instead of silence.
 */
export class EventOutbox {
  private droppedTotal = 0;
  private overflowing = false;

  constructor(private readonly deps: EventOutboxDeps) {
    deps.writes?.onChange((c) => this.record(dbFullEvent(c)));
  }

  /** The disk-full guard's state (for `camgate status`), when there is one. */
  get writes(): PendingWritesState | undefined {
    return this.deps.writes?.state();
  }

  /**
   * Commits the event, or while the database's disk is full keeps it in memory (seq 0 returned)
   * and commits it, in order, when space returns. Priority-0 events give way (dropped) meanwhile.
   */
  record(event: RecordedEvent): { seq: number; eventId: string } {
    const writes = this.deps.writes;
    if (!writes) return this.commit(event);
    let out = { seq: 0, eventId: '' };
    const bytes = 256 + JSON.stringify(event.fields ?? {}).length;
    writes.run(
      (event.priority ?? 1) === 0 ? 'detail' : 'kept',
      event.type,
      () => {
        out = this.commit(event);
      },
      bytes,
    );
    return out;
  }

  get dropped(): number {
    return this.droppedTotal;
  }

  get repo(): OutboxRepo {
    return this.deps.repo;
  }

  private commit(event: RecordedEvent): { seq: number; eventId: string } {
    const { repo, log } = this.deps;
    const result = repo.append({
      type: event.type,
      cameraId: event.cameraId ?? null,
      body: { ...event.fields, ts: new Date(event.at).toISOString() },
      priority: event.priority ?? 1,
      at: event.at,
    });
    if (result.coalesced > 0) {
      log.warn(
        { coalesced: result.coalesced },
        'outbox at its byte cap: flapping folded into outage.summary events',
      );
    }
    if (result.dropped > 0) {
      this.droppedTotal += result.dropped;
      if (!this.overflowing) {
        this.overflowing = true;
        log.error(
          { dropped: result.dropped, capBytes: repo.capBytes, droppedSeqs: result.droppedSeqs },
          'outbox hit its byte cap; oldest low-priority events dropped',
        );
        this.appendOverflow(result, event.at);
      }
    } else if (this.overflowing && repo.bytes < repo.capBytes * REARM_RATIO) {
      this.overflowing = false;
    }
    this.deps.onAppend();
    return { seq: result.seq, eventId: result.eventId };
  }

  /** The event that caused it is committed already: a failure here must not make the caller retry that one. */
  private appendOverflow(dropped: AppendResult, at: number): void {
    const { repo, log } = this.deps;
    try {
      repo.append({
        type: 'outbox.overflow',
        cameraId: null,
        body: {
          capBytes: repo.capBytes,
          droppedTotal: this.droppedTotal,
          firstDroppedSeq: dropped.droppedSeqs?.first ?? null,
          lastDroppedSeq: dropped.droppedSeqs?.last ?? null,
          // What this eviction lost, by event type (folded summaries lose nothing and are not counted).
          droppedTypes: dropped.droppedTypes,
          ts: new Date(at).toISOString(),
        },
        priority: 2,
        at,
      });
    } catch (err) {
      // Raised again by the next eviction.
      this.overflowing = false;
      log.error({ err }, 'could not append outbox.overflow');
    }
  }
}

/**
 * `storage.alarm` / `storage.alarm.cleared` with code `db_full` (priority 2). The raise is
 * committed in the room the released reserve made, so it reaches the centre during the episode.
 */
function dbFullEvent(c: DiskFullChange): RecordedEvent {
  const message = c.full
    ? 'database disk full: state transitions held in memory until space returns; metrics and detail dropped'
    : c.lost > 0
      ? `database disk has room again; ${c.lost} held writes were dropped at the memory bound`
      : 'database disk has room again; every held transition was written';
  return {
    type: c.full ? 'storage.alarm' : 'storage.alarm.cleared',
    cameraId: null,
    fields: { code: 'db_full', message, since: new Date(c.since).toISOString() },
    priority: 2,
    at: c.at,
  };
}
