import type { Kysely } from 'kysely';
import type { Registry } from './registry.js';
import { pictureAt } from './store/pictureRepo.js';
import type { CentreDb } from './store/schema.js';

/**
 * Uptime/SLA for a period, per camera and per site, from the state logs: the state at the start
 * of the period, then every logged change inside it (historical events included, at their own
 * time). Time before a camera's first known state is `unknown`, not counted either way.
 */
export interface CameraUptime {
  readonly siteId: string;
  readonly gatewayId: string;
  readonly cameraId: string;
  /** Share of known time the camera itself was online or degraded, percent (null: never known). */
  readonly workingPct: number | null;
  /** Share of known time it was integrated and its gateway online at the centre. */
  readonly integratedPct: number | null;
  readonly unknownMs: number;
}

export interface SiteUptime {
  readonly siteId: string;
  /** Share of the period the site was integrated (a gateway online and ≥ 1 camera integrated). */
  readonly integratedPct: number;
}

export interface Uptime {
  readonly from: string;
  readonly to: string;
  readonly cameras: readonly CameraUptime[];
  readonly sites: readonly SiteUptime[];
}

interface Change {
  readonly at: number;
  readonly kind: 'gw' | 'cam';
  readonly gatewayId: string;
  readonly cameraId: string;
  readonly siteId: string;
  readonly online?: boolean;
  readonly working?: boolean;
  readonly integrated?: boolean;
  readonly removed?: boolean;
}

const WORKING = new Set(['online', 'degraded']);
const pct = (part: number, whole: number): number | null =>
  whole <= 0 ? null : Math.round((part / whole) * 10_000) / 100;

export async function computeUptime(
  db: Kysely<CentreDb>,
  registry: Registry,
  from: string,
  to: string,
): Promise<Uptime> {
  const start = await pictureAt(db, from);
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
  const changes: Change[] = [
    ...gws.map((g) => ({
      at: Date.parse(g.at),
      kind: 'gw' as const,
      gatewayId: g.gateway_id,
      cameraId: '',
      siteId: g.site_id,
      online: g.state === 'online',
    })),
    ...cams.map((c) => ({
      at: Date.parse(c.at),
      kind: 'cam' as const,
      gatewayId: c.gateway_id,
      cameraId: c.camera_id,
      siteId: c.site_id,
      working: WORKING.has(c.status),
      integrated: Number(c.integrated) === 1,
      removed: Number(c.removed) === 1,
    })),
  ].sort((a, b) => a.at - b.at);
  const fromMs = Date.parse(from);
  const toMs = Date.parse(to);
  const online = new Map(start.gateways.map((g) => [g.gatewayId, g.state === 'online']));
  const camState = new Map(
    start.cameras.map((c) => [
      `${c.gatewayId}/${c.cameraId}`,
      {
        siteId: c.siteId,
        gatewayId: c.gatewayId,
        cameraId: c.cameraId,
        working: WORKING.has(c.status),
        integrated: c.integrated,
        removed: false,
      },
    ]),
  );
  const acc = new Map<string, { known: number; working: number; integrated: number; first: number }>();
  const siteMs = new Map<string, number>();
  let t = fromMs;
  const advance = (until: number): void => {
    const dt = until - t;
    if (dt <= 0) return;
    const sitesUp = new Set<string>();
    for (const [key, c] of camState) {
      if (c.removed) continue;
      const a = acc.get(key) ?? { known: 0, working: 0, integrated: 0, first: t };
      acc.set(key, a);
      a.known += dt;
      if (c.working) a.working += dt;
      if (c.integrated && online.get(c.gatewayId) === true) {
        a.integrated += dt;
        sitesUp.add(c.siteId);
      }
    }
    for (const s of sitesUp) siteMs.set(s, (siteMs.get(s) ?? 0) + dt);
    t = until;
  };
  for (const ch of changes) {
    advance(Math.min(ch.at, toMs));
    if (ch.kind === 'gw') online.set(ch.gatewayId, ch.online === true);
    else {
      camState.set(`${ch.gatewayId}/${ch.cameraId}`, {
        siteId: ch.siteId,
        gatewayId: ch.gatewayId,
        cameraId: ch.cameraId,
        working: ch.working === true,
        integrated: ch.integrated === true,
        removed: ch.removed === true,
      });
    }
  }
  advance(toMs);
  const period = toMs - fromMs;
  const cameras: CameraUptime[] = [...camState].map(([key, c]) => {
    const a = acc.get(key);
    return {
      siteId: c.siteId,
      gatewayId: c.gatewayId,
      cameraId: c.cameraId,
      workingPct: a ? pct(a.working, a.known) : null,
      integratedPct: a ? pct(a.integrated, a.known) : null,
      unknownMs: period - (a?.known ?? 0),
    };
  });
  const sites = registry.sites.map((s) => ({
    siteId: s.id,
    integratedPct: pct(siteMs.get(s.id) ?? 0, period) ?? 0,
  }));
  return { from, to, cameras, sites };
}
