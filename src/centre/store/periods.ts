import type { Kysely } from 'kysely';
import type { CentreEvent } from '../payloads.js';
import type { CentreDb, PeriodsTable } from './schema.js';

/**
 * Stretches of a gateway's past that its events describe after the fact (docs/mqtt.md):
 * - `uplink_down` (`uplink.outage`): the gateway's own uplink was down from..to. Its cameras were
 *   not integrated then, whatever the centre's view of the connection was (a will arrives late, a
 *   stopped broker delivers none); the cameras' own state comes from the replayed history.
 * - `unknown` (`store.rebuilt`): the gateway lost the events of a stretch with its database; that
 *   stretch is neither up nor down, it is not known.
 * - `camera_summary` (`outage.summary`): a flapping camera's outages of one day folded into a
 *   count and a total down time (`down_ms`) between the first start and the last end.
 */
export type PeriodKind = PeriodsTable['kind'];

export interface Period {
  readonly gatewayId: string;
  readonly siteId: string;
  readonly cameraId: string | null;
  readonly kind: PeriodKind;
  readonly from: string;
  readonly to: string;
  readonly downMs: number | null;
  readonly detail: string | null;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const iso = (v: unknown): string | undefined =>
  typeof v === 'string' && ISO.test(v) ? new Date(Date.parse(v)).toISOString() : undefined;

type Trx = Kysely<CentreDb>;

/**
 * Records the period an event describes (idempotent: keyed by the event's gateway and seq).
 * Returns the period's span, for the caller to recompute the days it touched; undefined when the
 * event describes none or its times do not parse (it is still stored as an event).
 */
export async function recordPeriod(
  trx: Trx,
  siteId: string,
  gatewayId: string,
  e: CentreEvent,
): Promise<{ from: string; to: string } | undefined> {
  const row = await periodOf(trx, siteId, gatewayId, e);
  if (!row || row.from_at > row.to_at) return undefined;
  await trx
    .insertInto('periods')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .execute();
  return { from: row.from_at, to: row.to_at };
}

async function periodOf(
  trx: Trx,
  siteId: string,
  gatewayId: string,
  e: CentreEvent,
): Promise<PeriodsTable | undefined> {
  const base = { gateway_id: gatewayId, seq: e.seq, site_id: siteId };
  if (e.type === 'uplink.outage') {
    const from = iso(e.startedAt);
    const to = iso(e.endedAt);
    if (!from || !to) return undefined;
    const detail = typeof e.cause === 'string' ? e.cause.slice(0, 64) : null;
    return { ...base, camera_id: null, kind: 'uplink_down', from_at: from, to_at: to, down_ms: null, detail };
  }
  if (e.type === 'outage.summary') {
    const from = iso(e.first);
    const to = iso(e.last);
    const downMs = typeof e.downMs === 'number' && e.downMs >= 0 ? Math.round(e.downMs) : undefined;
    if (!from || !to || e.cameraId === null || downMs === undefined) return undefined;
    const outages = typeof e.outages === 'number' ? `${e.outages} outages` : null;
    return {
      ...base,
      camera_id: e.cameraId,
      kind: 'camera_summary',
      from_at: from,
      to_at: to,
      down_ms: downMs,
      detail: outages,
    };
  }
  if (e.type === 'store.rebuilt') {
    const to = iso(e.ts);
    if (!to) return undefined;
    const from = await lastKnown(trx, gatewayId, to, e.seq);
    const reason = typeof e.reason === 'string' ? e.reason.slice(0, 120) : null;
    return {
      ...base,
      camera_id: null,
      kind: 'unknown',
      from_at: from,
      to_at: to,
      down_ms: null,
      detail: reason,
    };
  }
  return undefined;
}

/**
 * Where the lost stretch of a rebuilt gateway begins. A database is rebuilt at the daemon's start,
 * so the gateway had gone dark before it: the stretch begins when the centre last saw it go
 * (`offline`/`lost` in the gateway log); events it did deliver after that are known, so it begins
 * no earlier than the last of them. With neither, only the rebuild instant itself is unknown.
 */
async function lastKnown(trx: Trx, gatewayId: string, to: string, seq: number): Promise<string> {
  const dark = await trx
    .selectFrom('gateway_log')
    .select('at')
    .where('gateway_id', '=', gatewayId)
    .where('state', '!=', 'online')
    .where('at', '<=', to)
    .orderBy('at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const delivered = await trx
    .selectFrom('events')
    .select('ts')
    .where('gateway_id', '=', gatewayId)
    .where('seq', '<', seq)
    .where('ts', '<=', to)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const candidates = [dark?.at, delivered?.ts].filter((x): x is string => x !== undefined).sort();
  return candidates.at(-1) ?? to;
}

/** Periods that overlap [from, to] (an instant when from = to). */
export async function periodsOverlapping(db: Kysely<CentreDb>, from: string, to: string): Promise<Period[]> {
  const rows = await db
    .selectFrom('periods')
    .selectAll()
    .where('from_at', '<=', to)
    .where('to_at', '>=', from)
    .orderBy('from_at')
    .execute();
  return rows.map((r) => ({
    gatewayId: r.gateway_id,
    siteId: r.site_id,
    cameraId: r.camera_id,
    kind: r.kind,
    from: r.from_at,
    to: r.to_at,
    downMs: r.down_ms === null ? null : Number(r.down_ms),
    detail: r.detail,
  }));
}

/** Per gateway: each seq an `outage.summary` folded (delivered through it) → that summary's own seq. */
export async function coalescedSeqs(db: Kysely<CentreDb>): Promise<Map<string, Map<number, number>>> {
  const rows = await db
    .selectFrom('events')
    .select(['gateway_id', 'seq', 'payload'])
    .where('type', '=', 'outage.summary')
    .execute();
  const out = new Map<string, Map<number, number>>();
  for (const r of rows) {
    const p = JSON.parse(r.payload) as { coalescedSeqs?: unknown };
    if (!Array.isArray(p.coalescedSeqs)) continue;
    const mine = out.get(r.gateway_id) ?? new Map<number, number>();
    out.set(r.gateway_id, mine);
    for (const s of p.coalescedSeqs) if (typeof s === 'number') mine.set(s, Number(r.seq));
  }
  return out;
}
