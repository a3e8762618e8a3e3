import { type Kysely, sql } from 'kysely';
import { CAMERA_CLASSES, type CameraClass } from '../../shared/types.js';
import type { CameraView, GatewayState, GatewayView, Picture } from '../model.js';
import { publishedCause } from '../publishedCause.js';
import { readSnapshot } from './openDb.js';
import { coalescedSeqs, type Period, periodsOverlapping } from './periods.js';
import type { CentreDb } from './schema.js';

/** Reads the picture the figures are computed from: now (current tables) or at a past instant (logs). */

const STATES = new Set<string>(['online', 'offline', 'lost']);

function asClass(c: string): CameraClass {
  return (CAMERA_CLASSES as readonly string[]).includes(c) ? (c as CameraClass) : 'overview';
}

function asState(s: string): GatewayState {
  return STATES.has(s) ? (s as GatewayState) : 'lost';
}

export function currentPicture(db: Kysely<CentreDb>, at: string): Promise<Picture> {
  return readSnapshot(db, (trx) => readCurrent(trx, at));
}

/** The current rows of some gateways only (all when `gatewayIds` is undefined). */
export async function readCurrent(
  db: Kysely<CentreDb>,
  at: string,
  gatewayIds?: readonly string[],
): Promise<Picture> {
  if (gatewayIds !== undefined && gatewayIds.length === 0) return { at, gateways: [], cameras: [] };
  let gq = db.selectFrom('gateways').selectAll();
  if (gatewayIds) gq = gq.where('gateway_id', 'in', gatewayIds);
  const gateways = await gq.execute();
  let cq = db
    .selectFrom('cameras')
    .select([
      'gateway_id',
      'site_id',
      'camera_id',
      'class',
      'status',
      'integrated',
      'cause',
      'recording_status',
      'since',
    ]);
  if (gatewayIds) cq = cq.where('gateway_id', 'in', gatewayIds);
  const cameras = await cq.execute();
  return {
    at,
    gateways: gateways.map((g) => ({
      gatewayId: g.gateway_id,
      siteId: g.site_id,
      state: asState(g.state),
      since: g.since,
      lastSeen: g.last_seen,
    })),
    cameras: cameras.map((c) => cameraView(c, c.since)),
  };
}

interface CameraRow {
  gateway_id: string;
  site_id: string;
  camera_id: string;
  class: string;
  status: string;
  integrated: number;
  cause: string | null;
  recording_status: string;
}

function cameraView(c: CameraRow, since: string): CameraView {
  return {
    gatewayId: c.gateway_id,
    siteId: c.site_id,
    cameraId: c.camera_id,
    class: asClass(c.class),
    status: c.status,
    integrated: Number(c.integrated) === 1,
    cause: c.cause,
    recordingStatus: c.recording_status,
    since,
  };
}

/**
 * The picture at a past instant: each gateway's and camera's last logged state at or before it.
 * Historical events (replayed after an outage) land in the log at their own time, so a past
 * instant read again after the replay shows the corrected state.
 */
export function pictureAt(db: Kysely<CentreDb>, at: string): Promise<Picture> {
  return readSnapshot(db, async (trx) => {
    const picture = await readAt(trx, at);
    return { ...picture, gateways: overlay(picture.gateways, await periodsOverlapping(trx, at, at)) };
  });
}

/**
 * What the gateways said afterwards about this instant: inside an uplink outage a gateway was not
 * integrated even where the centre's log still says `online` (a will is delivered late, a stopped
 * broker delivers none); inside a stretch its rebuilt database lost, its cameras' state is
 * unknown, and so is the site's integration where the centre saw the gateway online.
 */
export function overlay(gateways: readonly GatewayView[], periods: readonly Period[]): GatewayView[] {
  return gateways.map((g) => {
    const mine = periods.filter((p) => p.gatewayId === g.gatewayId);
    const down = mine.find((p) => p.kind === 'uplink_down');
    const lost = mine.find((p) => p.kind === 'unknown');
    let view = g;
    if (down && g.state === 'online') {
      const note = `uplink down from ${down.from} to ${down.to} (${down.detail ?? 'cause not given'}), as the gateway reported`;
      view = { ...view, state: 'lost', since: down.from, note };
    }
    if (lost) {
      const note = `history lost from ${lost.from} to ${lost.to} (store.rebuilt: ${lost.detail ?? 'no reason given'})`;
      view = { ...view, camerasUnknown: true, note: view.note ? `${view.note}; ${note}` : note };
      if (view.state === 'online') view = { ...view, state: 'unknown', since: lost.from };
    }
    return view;
  });
}

/** The logged picture at an instant, before `overlay` (uptime applies the periods itself). */
export async function readAt(db: Kysely<CentreDb>, at: string): Promise<Picture> {
  const gw = await sql<{ gateway_id: string; site_id: string; state: string; at: string }>`
    select gateway_id, site_id, state, at from (
      select gateway_id, site_id, state, at,
        row_number() over (partition by gateway_id order by at desc) as rn
      from gateway_log where at <= ${at}
    ) g where rn = 1`.execute(db);
  const cams = await sql<CameraRow & { at: string; removed: number }>`
    select * from (
      select gateway_id, site_id, camera_id, class, status, integrated, cause, recording_status, removed, at,
        row_number() over (partition by gateway_id, camera_id order by at desc) as rn
      from camera_log where at <= ${at}
    ) c where rn = 1 and removed = 0`.execute(db);
  const gateways: GatewayView[] = gw.rows.map((g) => ({
    gatewayId: g.gateway_id,
    siteId: g.site_id,
    state: asState(g.state),
    since: g.at,
    lastSeen: g.at,
  }));
  return { at, gateways, cameras: cams.rows.map((c) => cameraView(c, c.at)) };
}

/**
 * Camera rows of one site, with the published payload, for the site page. The cause is the one
 * the figures count (publishedCause): a 0.5 gateway's camera without a verdict reads
 * not_yet_seen here too, not camera_offline beside a figure that says not_yet_seen.
 */
export async function siteCameras(db: Kysely<CentreDb>, siteId: string): Promise<unknown[]> {
  const rows = await db
    .selectFrom('cameras')
    .select(['gateway_id', 'status', 'cause', 'payload'])
    .where('site_id', '=', siteId)
    .execute();
  return rows.map((r) => {
    const cause = publishedCause(r.status, r.cause);
    return {
      gatewayId: r.gateway_id,
      ...(JSON.parse(r.payload) as Record<string, unknown>),
      ...(cause !== r.cause ? { cause } : {}),
    };
  });
}

export interface SeqGap {
  readonly gatewayId: string;
  readonly fromSeq: number;
  readonly toSeq: number;
  /** The event that explains it (`outbox.overflow`, `store.rebuilt`), else null: still expected. */
  readonly coveredBy: string | null;
}

/**
 * Missing `seq` ranges per gateway, computed from the stored events (so several workers writing
 * one database need no shared gap bookkeeping). A gap is covered when an `outbox.overflow` at or
 * after it reports drops from before it, or a `store.rebuilt` names it in `missingSeqs`.
 */
export async function seqGaps(db: Kysely<CentreDb>): Promise<SeqGap[]> {
  const gaps = await sql<{ gateway_id: string; prev: number; seq: number }>`
    select gateway_id, prev, seq from (
      select gateway_id, seq, lag(seq) over (partition by gateway_id order by seq) as prev from events
    ) e where prev is not null and seq > prev + 1`.execute(db);
  const explainers = await db
    .selectFrom('events')
    .select(['gateway_id', 'seq', 'type', 'payload'])
    .where('type', 'in', ['outbox.overflow', 'store.rebuilt'])
    .execute();
  const folded = await coalescedSeqs(db);
  return gaps.rows.map((g) => {
    const fromSeq = Number(g.prev) + 1;
    const toSeq = Number(g.seq) - 1;
    // An outage.summary delivers the start/end rows it folded: their seqs never come on their own.
    const mine = folded.get(g.gateway_id);
    const by = mine?.get(fromSeq);
    if (by !== undefined && seqsIn(fromSeq, toSeq).every((s) => mine?.has(s)))
      return { gatewayId: g.gateway_id, fromSeq, toSeq, coveredBy: `outage.summary#${by}` };
    const cover = explainers.find((x) => {
      if (x.gateway_id !== g.gateway_id) return false;
      const p = JSON.parse(x.payload) as Record<string, unknown>;
      if (x.type === 'outbox.overflow') {
        const first = typeof p.firstDroppedSeq === 'number' ? p.firstDroppedSeq : 1;
        return first <= fromSeq && Number(x.seq) > toSeq;
      }
      const m = p.missingSeqs as { from?: number | null; to?: number } | undefined;
      return m !== undefined && (m.from ?? 1) <= fromSeq && (m.to ?? 0) >= toSeq;
    });
    return {
      gatewayId: g.gateway_id,
      fromSeq,
      toSeq,
      coveredBy: cover ? `${cover.type}#${cover.seq}` : null,
    };
  });
}

function seqsIn(from: number, to: number): number[] {
  // Bounded: a folded gap is a handful of outage pairs; a wider one is not a summary's anyway.
  if (to - from > 100_000) return [Number.NaN];
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
