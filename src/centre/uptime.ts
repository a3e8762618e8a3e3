import type { Kysely } from 'kysely';
import type { Registry } from './registry.js';
import { readSnapshot } from './store/openDb.js';
import { type Period, periodsOverlapping } from './store/periods.js';
import { readAt } from './store/pictureRepo.js';
import type { CentreDb } from './store/schema.js';
import { stateLogBetween } from './store/stateLog.js';

/**
 * Uptime/SLA for a period, per camera and per site, from the state logs: the state at the start
 * of the period, then every logged change inside it (historical events included, at their own
 * time), and the periods gateways told afterwards (store/periods.ts):
 * - an `uplink.outage` makes its cameras not integrated for its span (their own working state is
 *   what the replayed history says, not the outage);
 * - a stretch a rebuilt gateway lost (`store.rebuilt`) is unknown for its cameras, as is time
 *   before a camera's first known state: counted neither up nor down; for its site too, where the
 *   centre saw the gateway online (where it saw it lost, the site was certainly not integrated);
 * - a camera whose own status is `unknown` (its gateway has not yet seen video from it: just
 *   added, just booted, no stream URI) is unknown time for its working share, not "not working";
 *   for integration it is known and not integrated (it delivers nothing: its gateway publishes
 *   integrated:false, and the period figure agrees with the live one), and it gives its site nothing;
 * - inside an `outage.summary` span a camera worked (span − downMs) / span of the time: exact over
 *   a window that holds the whole span, pro rata over one that cuts it.
 */
export interface CameraUptime {
  readonly siteId: string;
  readonly gatewayId: string;
  readonly cameraId: string;
  /** Share of known time the camera itself was online or degraded, percent (null: never known). */
  readonly workingPct: number | null;
  /** Share of known time it was integrated and its gateway online at the centre (time without a verdict is known: not integrated). */
  readonly integratedPct: number | null;
  /** Time the camera's working state is not known (no log, a lost stretch, or no verdict yet). */
  readonly unknownMs: number;
}

export interface SiteUptime {
  readonly siteId: string;
  /** Share of the known part of the period the site was integrated (a gateway online and ≥ 1 camera integrated). */
  readonly integratedPct: number;
  /** Time the site's state is not known (its gateway lost that history). */
  readonly unknownMs: number;
}

export interface Uptime {
  readonly from: string;
  readonly to: string;
  readonly cameras: readonly CameraUptime[];
  readonly sites: readonly SiteUptime[];
}

interface Cam {
  readonly siteId: string;
  readonly gatewayId: string;
  readonly cameraId: string;
  readonly working: boolean;
  /** The gateway had a verdict on the camera (status not `unknown`). */
  readonly seen: boolean;
  readonly integrated: boolean;
  readonly removed: boolean;
}

type Change =
  | { readonly at: number; readonly kind: 'gw'; readonly gatewayId: string; readonly online: boolean }
  | { readonly at: number; readonly kind: 'cam'; readonly cam: Cam }
  | { readonly at: number; readonly kind: 'period'; readonly period: Period; readonly delta: 1 | -1 };

const WORKING = new Set(['online', 'degraded']);
const pct = (part: number, whole: number): number | null =>
  whole <= 0 ? null : Math.round((part / whole) * 10_000) / 100;

export async function computeUptime(
  db: Kysely<CentreDb>,
  registry: Registry,
  from: string,
  to: string,
): Promise<Uptime> {
  const { start, changes } = await readSnapshot(db, async (trx) => ({
    start: await readAt(trx, from),
    changes: await readChanges(trx, from, to),
  }));
  const sweep = new Sweep(Date.parse(from));
  for (const g of start.gateways) sweep.online.set(g.gatewayId, g.state === 'online');
  for (const c of start.cameras)
    sweep.cams.set(`${c.gatewayId}/${c.cameraId}`, {
      ...c,
      working: WORKING.has(c.status),
      seen: c.status !== 'unknown',
      removed: false,
    });
  const toMs = Date.parse(to);
  for (const ch of changes) {
    sweep.advance(Math.max(sweep.t, Math.min(ch.at, toMs)));
    sweep.apply(ch);
  }
  sweep.advance(toMs);
  const period = toMs - Date.parse(from);
  const cameras: CameraUptime[] = [...sweep.cams].map(([key, c]) => {
    const a = sweep.acc.get(key);
    return {
      siteId: c.siteId,
      gatewayId: c.gatewayId,
      cameraId: c.cameraId,
      workingPct: a ? pct(a.working, a.known) : null,
      integratedPct: a ? pct(a.integrated, a.integrationKnown) : null,
      unknownMs: Math.round(period - (a?.known ?? 0)),
    };
  });
  const sites = registry.sites.map((s) => {
    const unknownMs = sweep.siteUnknown.get(s.id) ?? 0;
    return {
      siteId: s.id,
      integratedPct: pct(sweep.siteUp.get(s.id) ?? 0, period - unknownMs) ?? 0,
      unknownMs: Math.round(unknownMs),
    };
  });
  return { from, to, cameras, sites };
}

/** Every change inside (from, to), in time order; periods open at `from` start there. */
async function readChanges(db: Kysely<CentreDb>, from: string, to: string): Promise<Change[]> {
  const log = await stateLogBetween(db, from, to);
  const periods = await periodsOverlapping(db, from, to);
  const fromMs = Date.parse(from);
  const changes: Change[] = [
    ...log.gateways.map((g) => ({
      at: Date.parse(g.at),
      kind: 'gw' as const,
      gatewayId: g.gatewayId,
      online: g.state === 'online',
    })),
    ...log.cameras.map((c) => ({
      at: Date.parse(c.at),
      kind: 'cam' as const,
      cam: {
        siteId: c.siteId,
        gatewayId: c.gatewayId,
        cameraId: c.cameraId,
        working: WORKING.has(c.status),
        seen: c.status !== 'unknown',
        integrated: c.integrated,
        removed: c.removed,
      },
    })),
    ...periods.flatMap((p) => [
      { at: Math.max(fromMs, Date.parse(p.from)), kind: 'period' as const, period: p, delta: 1 as const },
      { at: Date.parse(p.to), kind: 'period' as const, period: p, delta: -1 as const },
    ]),
  ];
  // At one instant a period opens before the state changes at it and closes after them.
  const rank = (c: Change): number => (c.kind !== 'period' ? 1 : c.delta === 1 ? 0 : 2);
  return changes.sort((a, b) => a.at - b.at || rank(a) - rank(b));
}

/** The running state of the sweep and what it has added up so far. */
class Sweep {
  readonly online = new Map<string, boolean>();
  readonly cams = new Map<string, Cam>();
  /** Per camera: known time for working (not while unseen) and for integration (unseen: not integrated). */
  readonly acc = new Map<
    string,
    { known: number; integrationKnown: number; working: number; integrated: number }
  >();
  readonly siteUp = new Map<string, number>();
  readonly siteUnknown = new Map<string, number>();
  /** Open periods per gateway (uplink_down, unknown) and per camera (camera_summary: its factor). */
  private readonly down = new Map<string, number>();
  private readonly dark = new Map<string, number>();
  private readonly factor = new Map<string, number>();

  constructor(public t: number) {}

  apply(ch: Change): void {
    if (ch.kind === 'gw') this.online.set(ch.gatewayId, ch.online);
    else if (ch.kind === 'cam') this.cams.set(`${ch.cam.gatewayId}/${ch.cam.cameraId}`, ch.cam);
    else {
      const p = ch.period;
      if (p.kind === 'uplink_down') bump(this.down, p.gatewayId, ch.delta);
      else if (p.kind === 'unknown') bump(this.dark, p.gatewayId, ch.delta);
      else if (ch.delta === -1) this.factor.delete(`${p.gatewayId}/${p.cameraId}`);
      else {
        const span = Date.parse(p.to) - Date.parse(p.from);
        const f = span <= 0 ? 1 : Math.min(1, Math.max(0, (span - (p.downMs ?? 0)) / span));
        this.factor.set(`${p.gatewayId}/${p.cameraId}`, f);
      }
    }
  }

  advance(until: number): void {
    const dt = until - this.t;
    if (dt <= 0) return;
    const up = new Map<string, number>();
    const unknownSites = new Set<string>();
    for (const [key, c] of this.cams) {
      if (c.removed) continue;
      const gatewayUp = this.online.get(c.gatewayId) === true && (this.down.get(c.gatewayId) ?? 0) === 0;
      if ((this.dark.get(c.gatewayId) ?? 0) > 0) {
        // The camera's state is not known; the site's integration only where the link was up.
        if (gatewayUp) unknownSites.add(c.siteId);
        continue;
      }
      const a = this.acc.get(key) ?? { known: 0, integrationKnown: 0, working: 0, integrated: 0 };
      this.acc.set(key, a);
      a.integrationKnown += dt;
      // No verdict yet (cause not_yet_seen): neither working nor not for the camera; certainly not
      // integrated (it delivers nothing, as its gateway says live), and nothing for the site.
      if (!c.seen) continue;
      const f = this.factor.get(key) ?? 1;
      a.known += dt;
      if (c.working) a.working += dt * f;
      if (c.integrated && gatewayUp) {
        a.integrated += dt * f;
        up.set(c.siteId, Math.max(up.get(c.siteId) ?? 0, f));
      }
    }
    for (const [s, f] of up) this.siteUp.set(s, (this.siteUp.get(s) ?? 0) + dt * f);
    for (const s of unknownSites)
      if (!up.has(s)) this.siteUnknown.set(s, (this.siteUnknown.get(s) ?? 0) + dt);
    this.t = until;
  }
}

function bump(m: Map<string, number>, key: string, delta: number): void {
  m.set(key, (m.get(key) ?? 0) + delta);
}
