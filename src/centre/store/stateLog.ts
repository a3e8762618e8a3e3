import type { Kysely } from 'kysely';
import type { CentreDb } from './schema.js';

/** A gateway's logged state change (`gateway_log`). */
export interface GatewayLogChange {
  readonly at: string;
  readonly gatewayId: string;
  readonly state: string;
}

/** A camera's logged state change (`camera_log`); `removed`: the camera left the gateway at `at`. */
export interface CameraLogChange {
  readonly at: string;
  readonly siteId: string;
  readonly gatewayId: string;
  readonly cameraId: string;
  readonly status: string;
  readonly integrated: boolean;
  readonly removed: boolean;
}

/** Every logged gateway and camera change strictly inside (from, to); not in time order. */
export async function stateLogBetween(
  db: Kysely<CentreDb>,
  from: string,
  to: string,
): Promise<{ gateways: GatewayLogChange[]; cameras: CameraLogChange[] }> {
  const gws = await db
    .selectFrom('gateway_log')
    .selectAll()
    .where('at', '>', from)
    .where('at', '<', to)
    .execute();
  const cams = await db
    .selectFrom('camera_log')
    .selectAll()
    .where('at', '>', from)
    .where('at', '<', to)
    .execute();
  return {
    gateways: gws.map((g) => ({ at: g.at, gatewayId: g.gateway_id, state: g.state })),
    cameras: cams.map((c) => ({
      at: c.at,
      siteId: c.site_id,
      gatewayId: c.gateway_id,
      cameraId: c.camera_id,
      status: c.status,
      // Booleans are 0/1 integers in both drivers (schema.ts).
      integrated: Number(c.integrated) === 1,
      removed: Number(c.removed) === 1,
    })),
  };
}
