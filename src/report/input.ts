import { configEntryFor } from '../config/cameraEntry.js';
import type { Config } from '../config/schema.js';
import { CAMERA_CLASSES, type CameraClass } from '../shared/types.js';
import type {
  BootSpanRow,
  ClockStepRow,
  FirstVerdictRow,
  InventoryHistoryRows,
  ReportCameraRow,
  ReportOutageRow,
  VerdictPeriodRow,
} from '../store/reportRepo.js';
import type {
  InventoryChangeEvent,
  InventoryHistory,
  ReportCamera,
  ReportInput,
  ReportOutage,
  UnseenSpan,
  VerdictPeriod,
} from './model.js';
import { clip, complement, type Span } from './spans.js';

export interface ReportRows {
  readonly cameras: readonly ReportCameraRow[];
  /** Cameras declared in config with an rtsp URL: watched from the first boot even without an inventory row. */
  readonly staticCameras?: readonly { readonly id: string; readonly class: CameraClass }[];
  readonly outages: readonly ReportOutageRow[];
  readonly boots: readonly BootSpanRow[];
  /** Absent: the database does not track inventory changes. */
  readonly inventory?: InventoryHistoryRows;
  /** Picture-degraded periods; absent: the database predates them. */
  readonly picture?: readonly VerdictPeriodRow[] | undefined;
  /** lpr_no_reads periods; absent: the database predates them. */
  readonly lprNoReads?: readonly VerdictPeriodRow[] | undefined;
  /** Each camera's first transition per boot; absent: time without a verdict is not told apart. */
  readonly firstVerdicts?: readonly FirstVerdictRow[];
  /** Recorded wall-clock steps (clock_jumps), to place each boot's unseen time in its verdict's clock. */
  readonly clockSteps?: readonly ClockStepRow[];
}

type ReportConfig = Pick<Config, 'site' | 'cameras' | 'recording' | 'maintenance'>;

/** The ids of the cameras a report over these rows covers: what `buildReportInput` lists. */
export function reportCameraIds(rows: Pick<ReportRows, 'cameras' | 'staticCameras' | 'outages'>): string[] {
  const ids = [
    ...rows.cameras.map((c) => c.id),
    ...(rows.staticCameras ?? []).map((c) => c.id),
    ...rows.outages.filter((o) => o.kind !== 'uplink').map((o) => o.cameraId),
  ];
  return [...new Set(ids)];
}

/** Database rows and config to the plain report input; rows with values we do not know are kept, typed down. */
export function buildReportInput(
  config: ReportConfig,
  rows: ReportRows,
  window: Span,
  nowMs: number,
): ReportInput {
  const cameras = rows.cameras.map((r) => toCamera(config, r));
  // Static cameras of a daemon without the inventory module have outages but no `cameras` row;
  // they were watched from the first boot on.
  const known = new Set(cameras.map((c) => c.id));
  const firstBoot = rows.boots[0]?.startedMs ?? window.fromMs;
  const extra = [
    ...(rows.staticCameras ?? []),
    ...rows.outages.filter((o) => o.kind !== 'uplink').map((o) => ({ id: o.cameraId, class: undefined })),
  ];
  for (const cam of extra) {
    if (known.has(cam.id)) continue;
    known.add(cam.id);
    const cfg = configEntryFor({ id: cam.id }, config.cameras);
    cameras.push({
      id: cam.id,
      class: cam.class ?? cfg?.class ?? 'overview',
      firstSeenMs: firstBoot,
      removedMs: null,
      recording: cfg?.record ?? config.recording.enabled,
    });
  }
  return {
    window,
    nowMs,
    site: {
      id: config.site.id,
      name: config.site.name,
      ...(config.site.planned ? { planned: config.site.planned } : {}),
    },
    cameras: cameras.sort((a, b) => a.id.localeCompare(b.id)),
    outages: rows.outages.map(toOutage),
    maintenance: config.maintenance.map((m) => ({
      camera: m.camera,
      fromMs: Date.parse(m.from),
      toMs: Date.parse(m.to),
    })),
    observed: bootSpans(rows.boots, rows.clockSteps ?? []),
    ...(rows.inventory ? { inventory: toHistory(rows.inventory) } : {}),
    ...(rows.picture ? { picture: toPeriods(rows.picture, rows.boots) } : {}),
    ...(rows.lprNoReads ? { lprNoReads: toPeriods(rows.lprNoReads, rows.boots) } : {}),
    ...(rows.firstVerdicts
      ? { unseen: unseenSpans(cameras, rows.boots, rows.firstVerdicts, rows.clockSteps ?? [], window) }
      : {}),
  };
}

/**
 * Per camera and boot, the time before its first verdict: every boot starts a camera `unknown`
 * and only a transition ends that. Up to 0.5.0 it counted as uptime, so a camera that answered
 * ONVIF but never gave a stream URI was reported 100 % up. A boot without an id says nothing.
 *
 * Wall clocks step at boot (an RTC-less box starts in 1970, a fast RTC is stepped back by NTP).
 * The span ends at the verdict and starts at the boot's start moved by the steps recorded before
 * the verdict, so both ends are in the verdict's clock; and it never leaves its own boot's
 * observed span nor enters another boot's (unknown outranks down: a 1970 boot's span would
 * otherwise hide the previous boot's outages). A verdict stamped before its boot's start leaves
 * no span: the clock stepped back and that boot's recorded start is not in the verdict's clock.
 */
function unseenSpans(
  cameras: readonly ReportCamera[],
  boots: ReportRows['boots'],
  verdicts: readonly FirstVerdictRow[],
  steps: readonly ClockStepRow[],
  window: Span,
): UnseenSpan[] {
  // Plain loops and a map per boot: a crash-looping daemon gives a span per camera and boot.
  const first = new Map<string, Map<string, number>>();
  for (const v of verdicts) {
    const boot = first.get(v.bootId) ?? new Map<string, number>();
    first.set(v.bootId, boot.set(v.cameraId, Date.parse(v.at)));
  }
  const regions = ownRegions(boots, bootSpans(boots, steps));
  const out: UnseenSpan[] = [];
  for (const [i, b] of boots.entries()) {
    const own = (regions[i] ?? []).flatMap((r) => clip(r, window) ?? []);
    if (b.bootId === undefined || own.length === 0) continue;
    const bootSteps = steps.filter((s) => s.bootId === b.bootId);
    const verdictOf = first.get(b.bootId);
    const end = Math.max(b.startedMs, b.lastAliveMs);
    for (const c of cameras) {
      const verdict = verdictOf?.get(c.id);
      const toMs = verdict === undefined || Number.isNaN(verdict) ? end : verdict;
      let shift = 0;
      for (const st of bootSteps) if (st.atMs <= toMs) shift += st.jumpMs;
      const span = { fromMs: Math.max(b.startedMs + shift, c.firstSeenMs), toMs };
      for (const r of own) {
        const part = clip(span, r);
        if (part) out.push({ cameraId: c.id, fromMs: part.fromMs, toMs: part.toMs });
      }
    }
  }
  return out;
}

/**
 * Each boot from its start to its last-alive tick, in the clock of that tick: the start moved by
 * the steps recorded in the boot. An RTC-less box's boot started "in 1970" and a fast RTC's after
 * its real start; unmoved, the first claimed the whole history before it as watched (the reboot
 * gap as uptime), the second lost the time before the step.
 */
function bootSpans(boots: ReportRows['boots'], steps: readonly ClockStepRow[]): Span[] {
  const shift = new Map<string, number>();
  for (const s of steps) shift.set(s.bootId, (shift.get(s.bootId) ?? 0) + s.jumpMs);
  return boots.map((b) => {
    const toMs = Math.max(b.startedMs, b.lastAliveMs);
    const fromMs = b.bootId === undefined ? b.startedMs : b.startedMs + (shift.get(b.bootId) ?? 0);
    return { fromMs: Math.min(fromMs, toMs), toMs };
  });
}

/**
 * Each boot's observed span less the spans of the boots started before it (by index into
 * `boots`): boots do not overlap unless a clock was wrong, and then the later one is the wrong one
 * (a boot "in 1970" claims all history before it). Without a start order, both give way.
 */
function ownRegions(boots: ReportRows['boots'], spans: readonly Span[]): Span[][] {
  const before = (i: number, j: number) => {
    const [a, b] = [boots[i]?.seq, boots[j]?.seq];
    return a === undefined || b === undefined || a < b;
  };
  const order = spans.map((_, i) => i).sort((a, b) => (spans[a]?.fromMs ?? 0) - (spans[b]?.fromMs ?? 0));
  const out: Span[][] = spans.map((s) => [s]);
  const reach: number[] = [];
  for (const [k, i] of order.entries()) {
    reach.push(Math.max(reach[k - 1] ?? Number.NEGATIVE_INFINITY, spans[i]?.toMs ?? 0));
  }
  order.forEach((i, k) => {
    const own = spans[i] as Span;
    const others: Span[] = [];
    // Sorted by start: later boots overlap only while they start before this one ends.
    for (let j = k + 1; j < order.length; j++) {
      const other = spans[order[j] as number] as Span;
      if (other.fromMs >= own.toMs) break;
      if (before(order[j] as number, i)) others.push(other);
    }
    // Earlier ones while the latest end before them reaches into this one (else none can).
    for (let j = k - 1; j >= 0 && (reach[j] ?? 0) > own.fromMs; j--) {
      const other = spans[order[j] as number] as Span;
      if (other.toMs > own.fromMs && before(order[j] as number, i)) others.push(other);
    }
    if (others.length > 0) out[i] = complement(others, own);
  });
  return out;
}

/**
 * A period ends where its boot stopped watching at the latest: one a crash left open does not run
 * on through the next boots (the next boot opens its own when the verdict holds again).
 */
function toPeriods(rows: readonly VerdictPeriodRow[], boots: ReportRows['boots']): VerdictPeriod[] {
  const lastAlive = new Map(boots.flatMap((b) => (b.bootId ? [[b.bootId, b.lastAliveMs] as const] : [])));
  return rows.flatMap((r): VerdictPeriod[] => {
    const fromMs = Date.parse(r.startedAt);
    const ended = r.endedAt === null ? null : Date.parse(r.endedAt);
    const bootEnd = lastAlive.get(r.bootId);
    const toMs = bootEnd === undefined ? ended : Math.min(ended ?? bootEnd, bootEnd);
    if (Number.isNaN(fromMs) || (toMs !== null && Number.isNaN(toMs))) return [];
    const reasons = r.reasons.split(' ').filter((x) => x.length > 0);
    return [{ cameraId: r.cameraId, reasons, fromMs, toMs: toMs === null ? null : Math.max(fromMs, toMs) }];
  });
}

function toHistory(rows: InventoryHistoryRows): InventoryHistory {
  const since = rows.since === undefined ? Number.NaN : Date.parse(rows.since);
  const changes = rows.changes.flatMap((c): InventoryChangeEvent[] =>
    c.type === 'added' || c.type === 'replaced' || c.type === 'removed'
      ? [{ cameraId: c.cameraId, type: c.type, atMs: Date.parse(c.at) }]
      : [],
  );
  return { sinceMs: Number.isNaN(since) ? null : since, changes };
}

function toCamera(config: ReportConfig, row: ReportCameraRow): ReportCamera {
  const cfg = configEntryFor(
    { id: row.id, address: row.address, serial: row.serial ?? undefined, mac: row.mac ?? undefined },
    config.cameras,
  );
  return {
    id: row.id,
    class: asClass(row.class),
    firstSeenMs: Date.parse(row.firstSeenAt),
    removedMs: row.removedAt ? Date.parse(row.removedAt) : null,
    recording: cfg?.record ?? config.recording.enabled,
  };
}

function asClass(value: string): CameraClass {
  return (CAMERA_CLASSES as readonly string[]).includes(value) ? (value as CameraClass) : 'overview';
}

function toOutage(row: ReportOutageRow): ReportOutage {
  const kind = row.kind === 'recording' || row.kind === 'uplink' ? row.kind : 'stream';
  const endReason =
    row.endReason === 'restored' || row.endReason === 'gap_reboot' || row.endReason === 'removed'
      ? row.endReason
      : null;
  return {
    cameraId: row.cameraId,
    kind,
    cause: row.cause,
    startedMs: Date.parse(row.startedAt),
    endedMs: row.endedAt ? Date.parse(row.endedAt) : null,
    durationMs: row.durationMs,
    endReason,
  };
}
