import type { Kysely } from 'kysely';
import type { CentreCameraState } from '../payloads.js';
import { type CameraLogTable, type CamerasTable, type CentreDb, cameraStateColumns } from './schema.js';

export interface CameraItem {
  readonly siteId: string;
  readonly gatewayId: string;
  readonly cameraId: string;
  readonly payload: CentreCameraState | null;
}

const CHUNK = 400; // rows per statement: 11 columns each stays far under SQLite's variable limit

type Row = CamerasTable;
const key = (gatewayId: string, cameraId: string): string => `${gatewayId}\u0000${cameraId}`;

function sameState(a: Row, b: Row): boolean {
  return (
    a.class === b.class &&
    a.status === b.status &&
    a.integrated === b.integrated &&
    a.cause === b.cause &&
    a.recording_status === b.recording_status
  );
}

function logRow(r: Row, removed: number, at: string): CameraLogTable {
  return { ...cameraStateColumns(r), removed, at, source: 'state' };
}

/**
 * Applies many retained camera states at once: one read of the previous rows, multi-row upserts
 * and log inserts. After a centre restart the broker sends every camera's retained state (70,000
 * at 7,000 sites); three statements per camera made that rebuild take a minute. Returns the log
 * times of the changes.
 */
export async function applyCameras(
  trx: Kysely<CentreDb>,
  items: readonly CameraItem[],
  receivedAt: string,
): Promise<string[]> {
  const gateways = [...new Set(items.map((i) => i.gatewayId))];
  const current = new Map<string, Row>();
  for (let i = 0; i < gateways.length; i += CHUNK) {
    const rows = await trx
      .selectFrom('cameras')
      .selectAll()
      .where('gateway_id', 'in', gateways.slice(i, i + CHUNK))
      .execute();
    for (const r of rows)
      current.set(key(r.gateway_id, r.camera_id), { ...r, integrated: Number(r.integrated) });
  }
  const touched = new Map<string, Row | null>();
  const logs: CameraLogTable[] = [];
  for (const item of items) {
    const k = key(item.gatewayId, item.cameraId);
    const old = current.get(k);
    const p = item.payload;
    if (p === null) {
      if (!old) continue;
      logs.push(logRow(old, 1, receivedAt));
      current.delete(k);
      touched.set(k, null);
      continue;
    }
    const row: Row = {
      gateway_id: item.gatewayId,
      camera_id: item.cameraId,
      site_id: item.siteId,
      class: p.class,
      status: p.status,
      integrated: p.integrated ? 1 : 0,
      cause: p.cause,
      recording_status: p.recording.status,
      since: p.since,
      ts: p.ts,
      payload: JSON.stringify(p),
    };
    if (!old || !sameState(old, row)) logs.push(logRow(row, 0, p.ts));
    current.set(k, row);
    touched.set(k, row);
  }
  const upserts = [...touched.values()].filter((r): r is Row => r !== null);
  const deletes = [...touched]
    .filter(([, r]) => r === null)
    .map(([k]) => k.split('\u0000') as [string, string]);
  for (let i = 0; i < upserts.length; i += CHUNK) {
    await trx
      .insertInto('cameras')
      .values(upserts.slice(i, i + CHUNK))
      .onConflict((oc) =>
        oc.columns(['gateway_id', 'camera_id']).doUpdateSet((eb) => ({
          site_id: eb.ref('excluded.site_id'),
          class: eb.ref('excluded.class'),
          status: eb.ref('excluded.status'),
          integrated: eb.ref('excluded.integrated'),
          cause: eb.ref('excluded.cause'),
          recording_status: eb.ref('excluded.recording_status'),
          since: eb.ref('excluded.since'),
          ts: eb.ref('excluded.ts'),
          payload: eb.ref('excluded.payload'),
        })),
      )
      .execute();
  }
  for (const [gatewayId, cameraId] of deletes) {
    await trx
      .deleteFrom('cameras')
      .where('gateway_id', '=', gatewayId)
      .where('camera_id', '=', cameraId)
      .execute();
  }
  for (let i = 0; i < logs.length; i += CHUNK)
    await trx
      .insertInto('camera_log')
      .values(logs.slice(i, i + CHUNK))
      .execute();
  return logs.map((l) => l.at);
}
