import type { Kysely } from 'kysely';
import { streamCauseOf } from '../../shared/causes.js';
import { CAMERA_STATUSES, type CameraStatus } from '../../shared/types.js';
import type { CentreEvent, CentreStatus, IngestItem } from '../payloads.js';
import { applyCameras } from './cameraBatch.js';
import { writeTransaction } from './openDb.js';
import { recordPeriod } from './periods.js';
import { type CameraStateColumns, type CentreDb, cameraStateColumns } from './schema.js';

type Trx = Kysely<CentreDb>;

/** Past days one period may mark for recomputation. */
const MAX_PAST_DAYS = 400;

export interface BatchResult {
  readonly applied: number;
  readonly duplicates: number;
  readonly staleLost: number;
  /** UTC days (YYYY-MM-DD) before `today` whose figure changed: their snapshots are recomputed. */
  readonly pastDays: ReadonlySet<string>;
}

/**
 * Applies one batch of validated messages in one transaction. The caller acknowledges the MQTT
 * messages only after this resolves, so a crash in between makes the broker redeliver them; every
 * step is idempotent (upserts, events keyed by `(gatewayId, seq)` and unique `eventId`).
 */
export async function applyBatch(
  db: Kysely<CentreDb>,
  items: readonly IngestItem[],
  receivedAt: string,
): Promise<BatchResult> {
  const today = receivedAt.slice(0, 10);
  const past = new Set<string>();
  let applied = 0;
  let duplicates = 0;
  let staleLost = 0;
  const note = (at: string, to = at): void => {
    // Every past day the span touches, up to yesterday: at most MAX_PAST_DAYS, the latest, so a
    // span from a gateway whose clock said 1970 is stored but cannot set off years of recomputing.
    const last = to.slice(0, 10);
    const floor = new Date(Date.parse(`${last}T00:00:00Z`) - MAX_PAST_DAYS * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const first = [at.slice(0, 10), floor].sort()[1]!;
    for (let day = first; day < today && day <= last; day = nextDay(day)) past.add(day);
  };
  await writeTransaction(db, async (trx) => {
    // Retained camera states in bulk first: an event of this batch (always its last item, as the
    // ingest flushes on every event) then finds the camera's state it follows.
    const cams = items.filter((i): i is Extract<IngestItem, { kind: 'camera' }> => i.kind === 'camera');
    for (const at of await applyCameras(trx, cams, receivedAt)) note(at);
    applied += cams.length;
    for (const item of items) {
      if (item.kind === 'status') {
        const r = await applyStatus(trx, item.siteId, item.gatewayId, item.payload, receivedAt);
        if (r === 'stale') staleLost += 1;
      } else if (item.kind === 'camera') {
        continue; // applied above
      } else if (item.kind === 'summary') {
        const row = { site_id: item.siteId, ts: item.payload.ts, payload: JSON.stringify(item.payload) };
        await trx
          .insertInto('summaries')
          .values({ gateway_id: item.gatewayId, ...row })
          .onConflict((oc) => oc.column('gateway_id').doUpdateSet(row))
          .execute();
      } else {
        const at = await applyEvent(trx, item.siteId, item.gatewayId, item.payload, receivedAt);
        if (at === 'duplicate') duplicates += 1;
        else if (at) note(at.from, at.to);
      }
      applied += 1;
    }
  });
  return { applied, duplicates, staleLost, pastDays: past };
}

async function applyStatus(
  trx: Trx,
  siteId: string,
  gatewayId: string,
  p: CentreStatus,
  receivedAt: string,
): Promise<'stale' | 'same' | 'changed'> {
  const old = await trx
    .selectFrom('gateways')
    .selectAll()
    .where('gateway_id', '=', gatewayId)
    .executeTakeFirst();
  // docs/mqtt.md: a `lost` whose bdSeq is below the last `online` is an old will delivered late.
  if (p.state === 'lost' && old && old.state === 'online' && p.bdSeq < old.bd_seq) return 'stale';
  const same = old && old.state === p.state && old.bd_seq === p.bdSeq && old.boot_id === p.bootId;
  if (same) {
    // The retained status again (the centre restarted, or a rebirth): the state has not changed.
    await trx
      .updateTable('gateways')
      .set({ last_seen: receivedAt })
      .where('gateway_id', '=', gatewayId)
      .execute();
    return 'same';
  }
  // The birth's ts is when the session began. A will's ts is when its session *began*, not when
  // it died: the centre's receipt time is the better clue, unless this is the first we hear of
  // the gateway at all (a retained `lost` after a centre restart), where only the payload tells.
  const since = p.state === 'online' || !old ? p.ts : receivedAt;
  const row = {
    site_id: siteId,
    state: p.state,
    bd_seq: p.bdSeq,
    boot_id: p.bootId,
    version: p.version,
    since,
    last_seen: receivedAt,
  };
  await trx
    .insertInto('gateways')
    .values({ gateway_id: gatewayId, first_seen: receivedAt, ...row })
    .onConflict((oc) => oc.column('gateway_id').doUpdateSet(row))
    .execute();
  await trx
    .insertInto('gateway_log')
    .values({ gateway_id: gatewayId, site_id: siteId, state: p.state, at: since })
    .execute();
  return 'changed';
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** Stores the event once; returns 'duplicate', the span of the past it changed, or undefined. */
async function applyEvent(
  trx: Trx,
  siteId: string,
  gatewayId: string,
  e: CentreEvent,
  receivedAt: string,
): Promise<{ from: string; to: string } | 'duplicate' | undefined> {
  const result = await trx
    .insertInto('events')
    .values({
      gateway_id: gatewayId,
      seq: e.seq,
      event_id: e.eventId,
      site_id: siteId,
      type: e.type,
      camera_id: e.cameraId,
      ts: e.ts,
      historical: e.historical ? 1 : 0,
      payload: JSON.stringify(e),
      received_at: receivedAt,
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  if (Number(result.numInsertedOrUpdatedRows ?? 0n) === 0) return 'duplicate';
  const period = await recordPeriod(trx, siteId, gatewayId, e);
  if (period) return period;
  if (e.cameraId === null) return undefined;
  const change = cameraChange(e);
  if (!change) return undefined;
  // The camera's last known state before this event gives the fields the event does not carry.
  const prev = await trx
    .selectFrom('camera_log')
    .selectAll()
    .where('gateway_id', '=', gatewayId)
    .where('camera_id', '=', e.cameraId)
    .where('at', '<=', e.ts)
    .orderBy('at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const base: CameraStateColumns = prev
    ? cameraStateColumns(prev)
    : {
        gateway_id: gatewayId,
        camera_id: e.cameraId,
        site_id: siteId,
        class: typeof e.class === 'string' ? e.class : 'overview',
        status: 'unknown',
        integrated: 0,
        cause: null,
        recording_status: 'unknown',
      };
  const next = change(base);
  await trx
    .insertInto('camera_log')
    .values({ ...next, removed: e.type === 'camera.removed' ? 1 : 0, at: e.ts, source: e.type })
    .execute();
  return { from: e.ts, to: e.ts };
}

const WORKING = new Set(['online', 'degraded']);
const isCameraStatus = (s: string): s is CameraStatus => (CAMERA_STATUSES as readonly string[]).includes(s);

/** How an event moves a camera's state; events that do not are left to the retained state. */
function cameraChange(e: CentreEvent): ((b: CameraStateColumns) => CameraStateColumns) | undefined {
  const to = typeof e.to === 'string' ? e.to : undefined;
  switch (e.type) {
    case 'outage.start': {
      // The gateway's own rule on the event's `to` and `reasons`: a stall stays `stream_stalled`,
      // a refused stream `stream_refused`, in the past figures as it was in the live ones.
      const reasons = Array.isArray(e.reasons) ? e.reasons.filter((r) => typeof r === 'string') : [];
      const status = to !== undefined && isCameraStatus(to) ? to : 'offline';
      const cause = streamCauseOf(status, reasons) ?? 'camera_offline';
      return (b) => ({ ...b, status: to ?? 'offline', integrated: 0, cause });
    }
    case 'outage.end':
      return (b) => {
        const status = to ?? 'online';
        const ok = WORKING.has(status) && b.recording_status !== 'stale';
        return {
          ...b,
          status,
          integrated: ok ? 1 : 0,
          cause: ok ? null : b.recording_status === 'stale' ? 'recording_stale' : b.cause,
        };
      };
    case 'recording.stale':
      return (b) => ({
        ...b,
        recording_status: 'stale',
        integrated: 0,
        cause: WORKING.has(b.status) ? 'recording_stale' : b.cause,
      });
    case 'recording.ok':
      return (b) => ({
        ...b,
        recording_status: 'ok',
        integrated: WORKING.has(b.status) ? 1 : 0,
        cause: WORKING.has(b.status) ? null : b.cause,
      });
    case 'camera.added':
    case 'camera.replaced':
      return (b) => ({ ...b, class: typeof e.class === 'string' ? e.class : b.class });
    case 'camera.removed':
      return (b) => b;
    default:
      return undefined;
  }
}
