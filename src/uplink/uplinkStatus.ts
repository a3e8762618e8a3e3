import type { CentreState } from '../shared/types.js';
import type { DrainerStats } from './drainer.js';
import type { EventOutbox } from './eventOutbox.js';

/** What the uplink knows of its link when `camgate status` asks. */
export interface LinkView {
  readonly connected: boolean;
  readonly broker: string | undefined;
  readonly connectedSince: number | undefined;
  readonly lastError: string | undefined;
  readonly bdSeq: number;
  readonly centre: CentreState | undefined;
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/** The `uplink` section of `camgate status`: the link, the outbox and the drain. */
export function uplinkStatus(link: LinkView, outbox: EventOutbox, d: DrainerStats): Record<string, unknown> {
  const repo = outbox.repo;
  return {
    state: link.connected ? 'connected' : 'disconnected',
    broker: link.broker ?? null,
    connectedSince: iso(link.connectedSince),
    lastError: link.lastError ?? null,
    bdSeq: link.bdSeq,
    centre: link.centre ?? null,
    outboxDepth: repo.depth,
    outboxBytes: repo.bytes,
    outboxCapBytes: repo.capBytes,
    outboxDropped: outbox.dropped,
    // A full database disk: events held in memory until it has room (src/store/pendingWrites.ts).
    dbFull: outbox.writes?.diskFull ?? false,
    pendingWrites: outbox.writes?.pending ?? 0,
    inflight: d.inflight,
    eventsSent: d.sent,
    eventsAcked: d.acked,
    eventsRefused: d.rejected,
    lastPubackAt: iso(d.lastPubackAt),
  };
}
