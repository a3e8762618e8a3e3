import { uplinkOutageCause, uplinkOutageEdge } from '../health/outage.js';
import type { Clock, TimerHandle } from '../shared/clock.js';
import type { CamgateEvents } from '../shared/events.js';
import type { Log } from '../shared/log.js';
import type { OutageRow } from '../store/historyTypes.js';
import type { UplinkOutageRepo } from '../store/uplinkOutageRepo.js';
import type { RecordedEvent } from '../uplink/eventOutbox.js';
import { uplinkOutageEvent } from '../uplink/eventRules.js';

export interface UplinkOutageDeps {
  readonly repo: UplinkOutageRepo;
  readonly clock: Clock;
  readonly log: Log;
  readonly bootId: string;
  /** Appends to the outbox; the centre hears of each closed outage once the link is back. */
  readonly record: (event: RecordedEvent | undefined) => void;
  /** How long a session may go without hearing the centre's state before that is an outage. */
  readonly centreGraceMs?: number;
}

/** The centre's retained state arrives right after SUBSCRIBE; 10 s without it means there is none. */
const CENTRE_GRACE_MS = 10_000;

/**
 * The gateway's own uplink outages (issue #12 item 3): each `uplink.state` is judged by
 * health/outage.ts (`uplinkOutageEdge`), the store keeps the outage, and a closed one goes to the
 * outbox as `uplink.outage`. Outages a previous boot left open are closed at its last sign of life
 * when this one is built, before anything could open a new one.
 */
export class UplinkOutages {
  private silentCentre: TimerHandle | undefined;

  constructor(private readonly deps: UplinkOutageDeps) {
    let closed: OutageRow[] = [];
    try {
      closed = deps.repo.closeLeftovers(deps.bootId, deps.clock.now());
    } catch (err) {
      // The history loses an end time; the daemon must still start (closeRebootGaps retries it).
      deps.log.error({ err }, 'could not close uplink outages left open by the previous boot');
    }
    if (closed.length > 0)
      deps.log.info({ closed: closed.length }, 'closed uplink outages left open by the previous boot');
    for (const o of closed) this.tell(o);
  }

  /** The open uplink outage for `camgate status` (`uplink.outage`), or null. */
  current(): { cause: string; since: string } | null {
    const open = this.deps.repo.openOutage();
    return open ? { cause: open.cause, since: open.startedAt } : null;
  }

  stop(): void {
    this.silentCentre?.cancel();
    this.silentCentre = undefined;
  }

  onLink(e: CamgateEvents['uplink.state']): void {
    const { repo, log } = this.deps;
    this.silentCentre?.cancel();
    this.silentCentre = undefined;
    const open = repo.openOutage();
    if (!open && e.connected && e.centre === 'unknown') this.awaitCentre(e.at);
    const edge = uplinkOutageEdge(open !== undefined, e);
    if (edge === 'start') {
      const row = repo.open(uplinkOutageCause(e), this.now());
      log.warn({ cause: row.cause, detail: e.detail }, 'uplink outage started');
    } else if (edge === 'end') {
      const row = repo.close(this.now());
      if (!row) return;
      log.info({ cause: row.cause, durationMs: row.durationMs }, 'uplink outage ended');
      this.tell(row);
    }
  }

  /**
   * Connected, the centre's state not heard yet: not an outage at once (the retained state follows
   * the SUBSCRIBE by milliseconds), but a centre that never says `online` is one. Cameras count as
   * `uplink_down` from the connect on, so the outage is dated from then too.
   */
  private awaitCentre(connectedAt: number): void {
    const { clock, repo, log } = this.deps;
    this.silentCentre = clock.setTimeout(() => {
      this.silentCentre = undefined;
      try {
        if (repo.openOutage()) return;
        const now = this.now();
        const row = repo.open('centre_offline', {
          ...now,
          wallMs: connectedAt,
          monoMs: now.monoMs - (now.wallMs - connectedAt),
        });
        log.warn({ cause: row.cause }, 'uplink outage: the centre has not said it is online');
      } catch (err) {
        log.error({ err }, 'could not record an uplink outage');
      }
    }, this.deps.centreGraceMs ?? CENTRE_GRACE_MS);
  }

  private tell(row: OutageRow): void {
    this.deps.record(uplinkOutageEvent(row, this.deps.clock.now()));
  }

  private now(): { bootId: string; wallMs: number; monoMs: number } {
    const { clock, bootId } = this.deps;
    return { bootId, wallMs: clock.now(), monoMs: clock.monotonic() };
  }
}
