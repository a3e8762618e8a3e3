import type { Log } from '../shared/log.js';
import type { OutboxPriority, OutboxRepo } from '../store/outboxRepo.js';
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

/**
 * The write side of the outbox with the cap policy's alarm: when an append had to evict rows,
 * one `outbox.overflow` event (priority 2, kept over everything) records what was lost, and the
 * `dropped` counter grows. The centre sees the seq gap explained instead of silence.
 */
export class EventOutbox {
  private droppedTotal = 0;
  private overflowing = false;

  constructor(
    private readonly deps: { readonly repo: OutboxRepo; readonly log: Log; readonly onAppend: () => void },
  ) {}

  get dropped(): number {
    return this.droppedTotal;
  }

  get repo(): OutboxRepo {
    return this.deps.repo;
  }

  record(event: RecordedEvent): { seq: number; eventId: string } {
    const { repo, log } = this.deps;
    const result = repo.append({
      type: event.type,
      cameraId: event.cameraId ?? null,
      body: { ...event.fields, ts: new Date(event.at).toISOString() },
      priority: event.priority ?? 1,
      at: event.at,
    });
    if (result.dropped > 0) {
      this.droppedTotal += result.dropped;
      if (!this.overflowing) {
        this.overflowing = true;
        log.error(
          { dropped: result.dropped, capBytes: repo.capBytes, droppedSeqs: result.droppedSeqs },
          'outbox hit its byte cap; oldest low-priority events dropped',
        );
        repo.append({
          type: 'outbox.overflow',
          cameraId: null,
          body: {
            capBytes: repo.capBytes,
            droppedTotal: this.droppedTotal,
            firstDroppedSeq: result.droppedSeqs?.first ?? null,
            ts: new Date(event.at).toISOString(),
          },
          priority: 2,
          at: event.at,
        });
      }
    } else if (this.overflowing && repo.bytes < repo.capBytes * REARM_RATIO) {
      this.overflowing = false;
    }
    this.deps.onAppend();
    return { seq: result.seq, eventId: result.eventId };
  }
}
