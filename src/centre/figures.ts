import { CAMERA_CLASSES, type CameraClass } from '../shared/types.js';
import type {
  CameraCounts,
  CameraView,
  ClassCounts,
  ContractWarning,
  Figure,
  GatewayView,
  GroupFigure,
  Picture,
  SiteCause,
  SiteFigure,
  UnregisteredSite,
} from './model.js';
import { publishedCause } from './publishedCause.js';
import type { Registry, Site } from './registry.js';

const DAY_MS = 86_400_000;
const WORKING = new Set(['online', 'degraded']);

export interface FigureOptions {
  /** Contracts ending within this many days (and those already expired) are listed. */
  readonly contractWarningDays: number;
}

/** The region figure: a pure function of the registry and one instant's picture. */
export function computeFigure(registry: Registry, picture: Picture, options: FigureOptions): Figure {
  const gatewaysBySite = groupBy(picture.gateways, (g) => g.siteId);
  const camerasBySite = groupBy(picture.cameras, (c) => c.siteId);
  const atMs = Date.parse(picture.at);
  const sites = registry.sites.map((site) =>
    siteFigure(site, gatewaysBySite.get(site.id) ?? [], camerasBySite.get(site.id) ?? [], atMs),
  );
  const unregistered: UnregisteredSite[] = [];
  for (const [siteId, gateways] of gatewaysBySite) {
    if (registry.byId.has(siteId)) continue;
    unregistered.push({ siteId, gateways, cameras: camerasBySite.get(siteId)?.length ?? 0 });
  }
  unregistered.sort((a, b) => a.siteId.localeCompare(b.siteId));
  return {
    at: picture.at,
    national: group('national', sites),
    regions: groups(sites, (s) => s.region),
    districts: groups(sites, (s) => `${s.region} / ${s.district || '-'}`),
    kinds: groups(sites, (s) => s.kind),
    sites,
    unregistered,
    contracts: contractWarnings(registry.sites, atMs, options.contractWarningDays),
  };
}

function siteFigure(
  site: Site,
  gateways: readonly GatewayView[],
  cameras: readonly CameraView[],
  atMs: number,
): SiteFigure {
  const online = new Set(gateways.filter((g) => g.state === 'online').map((g) => g.gatewayId));
  const unknown = new Set(gateways.filter((g) => g.camerasUnknown === true).map((g) => g.gatewayId));
  const counts = cameraCounts(site, cameras, online, unknown);
  const integrated = online.size > 0 && counts.integrated.total > 0;
  const planned = counts.planned.total;
  const fullyIntegrated =
    integrated &&
    (planned > 0
      ? CAMERA_CLASSES.every((c) => counts.integrated[c] >= site.planned[c])
      : counts.integrated.total === counts.installed.total);
  const cameraCauses: Record<string, number> = {};
  for (const c of cameras) {
    if ((c.integrated && online.has(c.gatewayId)) || unknown.has(c.gatewayId)) continue;
    const cause = !online.has(c.gatewayId) ? 'uplink_down' : (publishedCause(c.status, c.cause) ?? 'unknown');
    cameraCauses[cause] = (cameraCauses[cause] ?? 0) + 1;
  }
  const why = integrated ? null : siteCause(site, gateways, cameras.length, online.size, cameraCauses, atMs);
  return {
    siteId: site.id,
    name: site.name,
    region: site.region,
    district: site.district,
    kind: site.kind,
    contractor: site.contractor,
    commsProvider: site.commsProvider,
    contractEnd: site.contractEnd,
    gateways,
    integrated,
    fullyIntegrated,
    cameras: counts,
    cause: why?.cause ?? null,
    evidence: why?.evidence ?? null,
    cameraCauses,
  };
}

/** The one cause of a site that is not integrated, first broken link first, with its evidence. */
function siteCause(
  site: Site,
  gateways: readonly GatewayView[],
  cameraCount: number,
  onlineCount: number,
  cameraCauses: Readonly<Record<string, number>>,
  atMs: number,
): { cause: SiteCause; evidence: string } {
  if (gateways.length === 0)
    return { cause: 'never_connected', evidence: 'no gateway of this site has ever reported' };
  if (onlineCount === 0) {
    const dark = gateways.find((g) => g.state === 'unknown');
    if (dark)
      return {
        cause: 'history_unknown',
        evidence: `gateway ${dark.gatewayId}: ${dark.note ?? 'history lost'}`,
      };
    const last = [...gateways].sort((a, b) => b.since.localeCompare(a.since))[0]!;
    const how = last.state === 'offline' ? 'stopped' : 'lost';
    const lost = last.note
      ? `gateway ${last.gatewayId}: ${last.note}`
      : `gateway ${last.gatewayId} ${how} since ${last.since}`;
    if (site.contractEnd !== null && Date.parse(`${site.contractEnd}T23:59:59.999Z`) < atMs) {
      const provider = site.commsProvider ? ` with ${site.commsProvider}` : '';
      return {
        cause: 'contract_expired',
        evidence: `${lost}; comms contract${provider} expired on ${site.contractEnd}`,
      };
    }
    return { cause: 'gateway_lost', evidence: lost };
  }
  if (cameraCount === 0) return { cause: 'no_cameras', evidence: 'gateway online but no camera found' };
  const entries = Object.entries(cameraCauses).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const list = entries.map(([c, n]) => `${c} ×${n}`).join(', ');
  const only = entries.length === 1 ? entries[0]![0] : null;
  if (only === 'unauthorized')
    return { cause: 'unauthorized', evidence: `cameras refuse our credentials: ${list}` };
  if (only === 'recording_stale') return { cause: 'recording_stale', evidence: `recording stale: ${list}` };
  if (only === 'not_yet_seen')
    return {
      cause: 'cameras_not_yet_seen',
      evidence: `gateway online, no verdict on its cameras yet: ${list}`,
    };
  return { cause: 'cameras_down', evidence: `gateway online, no camera integrated: ${list}` };
}

function zero(): ClassCounts {
  return { overview: 0, panoramic: 0, lpr: 0, total: 0 };
}

function cameraCounts(
  site: Site,
  cameras: readonly CameraView[],
  online: ReadonlySet<string>,
  unknown: ReadonlySet<string>,
): CameraCounts {
  const planned = zero();
  const installed = zero();
  const working = zero();
  const integrated = zero();
  const add = (c: ClassCounts, k: CameraClass, n = 1): void => {
    c[k] += n;
    c.total += n;
  };
  for (const k of CAMERA_CLASSES) add(planned, k, site.planned[k]);
  for (const cam of cameras) {
    add(installed, cam.class);
    // A camera of a gateway whose history of this instant is lost is neither working nor not.
    if (WORKING.has(cam.status) && !unknown.has(cam.gatewayId)) add(working, cam.class);
    if (cam.integrated && online.has(cam.gatewayId)) add(integrated, cam.class);
  }
  return { planned, installed, working, integrated };
}

function sumCounts(into: CameraCounts, from: CameraCounts): void {
  for (const key of ['planned', 'installed', 'working', 'integrated'] as const) {
    for (const k of [...CAMERA_CLASSES, 'total'] as const) into[key][k] += from[key][k];
  }
}

function group(key: string, sites: readonly SiteFigure[]): GroupFigure {
  const cameras: CameraCounts = { planned: zero(), installed: zero(), working: zero(), integrated: zero() };
  const causes = new Map<SiteCause, number>();
  let integrated = 0;
  let fully = 0;
  let unknown = 0;
  for (const s of sites) {
    sumCounts(cameras, s.cameras);
    if (s.integrated) integrated += 1;
    if (s.cause === 'history_unknown') unknown += 1;
    if (s.fullyIntegrated) fully += 1;
    if (s.cause) causes.set(s.cause, (causes.get(s.cause) ?? 0) + 1);
  }
  return {
    key,
    sites: sites.length,
    sitesIntegrated: integrated,
    sitesFullyIntegrated: fully,
    sitesUnknown: unknown,
    pct: sites.length === unknown ? null : Math.round((integrated / (sites.length - unknown)) * 1000) / 10,
    cameras,
    causes: [...causes]
      .map(([cause, n]) => ({ cause, sites: n }))
      .sort((a, b) => b.sites - a.sites || a.cause.localeCompare(b.cause)),
  };
}

function groups(sites: readonly SiteFigure[], keyOf: (s: SiteFigure) => string): GroupFigure[] {
  return [...groupBy(sites, keyOf)]
    .map(([key, members]) => group(key, members))
    .sort((a, b) => a.key.localeCompare(b.key));
}

function contractWarnings(sites: readonly Site[], atMs: number, days: number): ContractWarning[] {
  const today = Date.parse(`${new Date(atMs).toISOString().slice(0, 10)}T00:00:00Z`);
  const out: ContractWarning[] = [];
  for (const s of sites) {
    if (s.contractEnd === null) continue;
    const daysLeft = Math.round((Date.parse(`${s.contractEnd}T00:00:00Z`) - today) / DAY_MS);
    if (daysLeft > days) continue;
    out.push({
      siteId: s.id,
      name: s.name,
      region: s.region,
      commsProvider: s.commsProvider,
      contractEnd: s.contractEnd,
      daysLeft,
    });
  }
  return out.sort((a, b) => a.daysLeft - b.daysLeft || a.siteId.localeCompare(b.siteId));
}

function groupBy<T>(items: readonly T[], keyOf: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = out.get(key);
    if (list) list.push(item);
    else out.set(key, [item]);
  }
  return out;
}
