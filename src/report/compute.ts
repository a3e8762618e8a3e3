import { CAMERA_CLASSES, type CameraClass } from '../shared/types.js';
import type {
  CameraReport,
  GroupReport,
  Report,
  ReportCamera,
  ReportInput,
  ReportOutage,
  SpanState,
  TimeBreakdown,
  TimelineSegment,
  UplinkReport,
} from './model.js';
import { replacedSummary, replacementsByCamera } from './replaced.js';
import { clip, type Span, union } from './spans.js';
import { groupSum, lprNoReadsMs, pictureTime, verdictSpans } from './verdicts.js';

/**
 * The SLA report, from plain data only (no clock, no I/O): the same input gives the same numbers.
 *
 * Each camera's window is cut into segments, in order of precedence: `absent` (before the camera
 * was first seen or after it was removed: not held against it), `maintenance` (config windows),
 * `unknown` (no daemon was running: reboot gaps are not uptime; or the daemon had no verdict on
 * the camera yet, cause not_yet_seen), `down` (an outage of the kind
 * measured), else `up`. Percentages are up / (up + down). Integrated also counts as down the time
 * the picture checks held the camera degraded (cause `picture_degraded`) and the time without a
 * verdict (not_yet_seen: it delivered nothing), both not integrated as the daemon says live;
 * `lpr_no_reads` time is reported apart and stays integrated.
 */
export function computeReport(input: ReportInput): Report {
  const window = effectiveWindow(input);
  const replacements = replacementsByCamera(input);
  // Grouped once: a crash-looping daemon gives a span per camera and boot, thousands of boots.
  const unseen = new Map<string, Span[]>();
  for (const u of input.unseen ?? []) {
    const list = unseen.get(u.cameraId);
    if (list) list.push(u);
    else unseen.set(u.cameraId, [u]);
  }
  const cameras = input.cameras.map((c) => ({
    ...cameraReport(input, window, c, unseen.get(c.id) ?? []),
    replaced: replacements ? (replacements.get(c.id) ?? 0) : null,
  }));
  const classes = Object.fromEntries(
    CAMERA_CLASSES.map((k) => [
      k,
      groupReport(
        input,
        cameras.filter((c) => c.class === k),
        input.site.planned?.[k],
      ),
    ]),
  ) as Record<CameraClass, GroupReport>;
  const plannedTotal = input.site.planned
    ? CAMERA_CLASSES.reduce((sum, k) => sum + (input.site.planned?.[k] ?? 0), 0)
    : undefined;
  const total = groupReport(input, cameras, plannedTotal);
  return {
    site: { id: input.site.id, name: input.site.name },
    window: input.window,
    generatedMs: input.nowMs,
    cameras,
    classes,
    total,
    replaced: replacedSummary(input, total.replaced ?? 0),
    uplink: uplinkReport(input, window),
  };
}

/** The gateway's uplink over the window, counted like a camera that is always present. */
function uplinkReport(input: ReportInput, window: Span): UplinkReport {
  const outages = input.outages.filter((o) => o.kind === 'uplink');
  const ctx = {
    window,
    present: [window],
    maintenance: input.maintenance
      .filter((m) => m.camera === '*')
      .map(({ fromMs, toMs }) => ({ fromMs, toMs })),
    observed: input.observed,
  };
  const clipped = outages
    .map((o) => ({ cause: o.cause, ms: clippedMs(outageSpan(o, input.nowMs), window) }))
    .filter((o) => o.ms > 0);
  const downMsByCause: Record<string, number> = {};
  for (const o of clipped) downMsByCause[o.cause] = (downMsByCause[o.cause] ?? 0) + o.ms;
  return {
    availability: breakdown(segments(ctx, outageSpans(outages, input.nowMs))),
    outageCount: clipped.length,
    longestOutageMs: clipped.length ? Math.max(...clipped.map((o) => o.ms)) : null,
    downMsByCause,
  };
}

/** The requested window, cut at now: the future is neither uptime nor downtime. */
function effectiveWindow(input: ReportInput): Span {
  return {
    fromMs: input.window.fromMs,
    toMs: Math.max(input.window.fromMs, Math.min(input.window.toMs, input.nowMs)),
  };
}

function cameraReport(
  input: ReportInput,
  window: Span,
  camera: ReportCamera,
  unseen: readonly Span[],
): Omit<CameraReport, 'replaced'> {
  const present = clip(
    { fromMs: camera.firstSeenMs, toMs: camera.removedMs ?? Number.POSITIVE_INFINITY },
    window,
  );
  const presentSpans = present ? [present] : [];
  const maintenance = input.maintenance
    .filter((m) => m.camera === '*' || m.camera === camera.id)
    .map((m) => ({ fromMs: m.fromMs, toMs: m.toMs }));
  const ctx = { window, present: presentSpans, maintenance, observed: input.observed, unseen };
  const own = input.outages.filter((o) => o.cameraId === camera.id);
  const stream = own.filter((o) => o.kind === 'stream');
  const recording = own.filter((o) => o.kind === 'recording');
  // The uplink is the gateway's, not a camera's: an uplink outage breaks integration of every camera.
  const uplink = input.outages.filter((o) => o.kind === 'uplink');
  const timeline = segments(ctx, outageSpans(stream, input.nowMs));
  const integratedDown = [
    ...outageSpans([...stream, ...(camera.recording ? recording : []), ...uplink], input.nowMs),
    ...verdictSpans(input.picture, camera.id, input.nowMs),
  ];
  const cut = (down: readonly Span[]) => segments(ctx, down);
  const inScope = present ?? { fromMs: window.fromMs, toMs: window.fromMs };
  const counted = stream.filter((o) => clip(outageSpan(o, input.nowMs), inScope) !== undefined);
  const restored = stream.filter(
    (o) =>
      o.endReason === 'restored' &&
      o.endedMs !== null &&
      o.endedMs >= window.fromMs &&
      o.endedMs < window.toMs,
  );
  return {
    id: camera.id,
    class: camera.class,
    uptime: breakdown(timeline),
    // No verdict yet is unknown for uptime, but not integrated: the camera delivered nothing (the
    // daemon says integrated:false live, and the centre's period figure counts it so).
    integrated: breakdown(segments({ ...ctx, unseen: [] }, [...integratedDown, ...unseen])),
    recording: camera.recording ? breakdown(segments(ctx, outageSpans(recording, input.nowMs))) : null,
    outageCount: counted.length,
    longestOutageMs: counted.length
      ? Math.max(...counted.map((o) => clippedMs(outageSpan(o, input.nowMs), inScope)))
      : null,
    mttrMs: restored.length
      ? Math.round(restored.reduce((sum, o) => sum + repairMs(o), 0) / restored.length)
      : null,
    restored: restored.length > 0,
    installedAtEnd:
      camera.firstSeenMs < window.toMs && (camera.removedMs === null || camera.removedMs >= window.toMs),
    timeline,
    picture: pictureTime(input, camera, cut),
    lprNoReadsMs: lprNoReadsMs(input, camera, cut),
  };
}

function outageSpan(o: ReportOutage, nowMs: number): Span {
  return { fromMs: o.startedMs, toMs: o.endedMs ?? nowMs };
}

function clippedMs(span: Span, to: Span): number {
  const c = clip(span, to);
  return c ? c.toMs - c.fromMs : 0;
}

function outageSpans(outages: readonly ReportOutage[], nowMs: number): Span[] {
  return outages.map((o) => outageSpan(o, nowMs));
}

/** duration_ms comes from the monotonic clock, so it wins over a wall-clock difference. */
function repairMs(o: ReportOutage): number {
  return o.durationMs ?? (o.endedMs ?? o.startedMs) - o.startedMs;
}

interface SegmentContext {
  readonly window: Span;
  readonly present: readonly Span[];
  readonly maintenance: readonly Span[];
  readonly observed: readonly Span[];
  /** Watched, but no verdict on the camera yet (not_yet_seen): unknown, not up. */
  readonly unseen?: readonly Span[];
}

/** Cuts the window at every boundary, labels each piece by precedence, merges equal neighbours. */
export function segments(ctx: SegmentContext, down: readonly Span[]): TimelineSegment[] {
  const { window } = ctx;
  const cuts = new Set<number>([window.fromMs, window.toMs]);
  for (const s of [...ctx.present, ...ctx.maintenance, ...ctx.observed, ...(ctx.unseen ?? []), ...down]) {
    for (const t of [s.fromMs, s.toMs]) if (t > window.fromMs && t < window.toMs) cuts.add(t);
  }
  const points = [...cuts].sort((a, b) => a - b);
  // Merged and sorted once, looked up by bisection: a crash-looping daemon gives thousands of
  // boots (observed and unseen spans) per camera, and a linear scan per cut was quadratic.
  const sets: CoverSets = {
    present: union(ctx.present),
    maintenance: union(ctx.maintenance),
    observed: union(ctx.observed),
    unseen: union(ctx.unseen ?? []),
    down: union(down),
  };
  const out: TimelineSegment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const fromMs = points[i] as number;
    const toMs = points[i + 1] as number;
    const state = stateAt(sets, fromMs);
    const last = out[out.length - 1];
    if (last && last.state === state && last.toMs === fromMs) out[out.length - 1] = { ...last, toMs };
    else out.push({ fromMs, toMs, state });
  }
  return out;
}

type CoverSets = Record<'present' | 'maintenance' | 'observed' | 'unseen' | 'down', readonly Span[]>;

function stateAt(sets: CoverSets, t: number): SpanState {
  if (!covers(sets.present, t)) return 'absent';
  if (covers(sets.maintenance, t)) return 'maintenance';
  if (!covers(sets.observed, t) || covers(sets.unseen, t)) return 'unknown';
  return covers(sets.down, t) ? 'down' : 'up';
}

/** Whether `t` is in one of `merged` (sorted, disjoint: `union`'s output), by bisection. */
function covers(merged: readonly Span[], t: number): boolean {
  let lo = 0;
  let hi = merged.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = merged[mid] as Span;
    if (t < s.fromMs) hi = mid - 1;
    else if (t >= s.toMs) lo = mid + 1;
    else return true;
  }
  return false;
}

function breakdown(timeline: readonly TimelineSegment[]): TimeBreakdown {
  const sum = (state: SpanState) =>
    timeline.filter((s) => s.state === state).reduce((acc, s) => acc + (s.toMs - s.fromMs), 0);
  const upMs = sum('up');
  const downMs = sum('down');
  return {
    upMs,
    downMs,
    unknownMs: sum('unknown'),
    maintenanceMs: sum('maintenance'),
    pct: percent(upMs, upMs + downMs),
  };
}

function percent(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 100_000) / 1000 : null;
}

function groupReport(
  input: ReportInput,
  cameras: readonly CameraReport[],
  planned: number | undefined,
): GroupReport {
  const pooled = (pick: (c: CameraReport) => TimeBreakdown | null): number | null => {
    const parts = cameras.map(pick).filter((b): b is TimeBreakdown => b !== null);
    const up = parts.reduce((s, b) => s + b.upMs, 0);
    return percent(up, up + parts.reduce((s, b) => s + b.downMs, 0));
  };
  const installed = cameras.filter((c) => c.installedAtEnd).length;
  return {
    planned: planned ?? null,
    installed,
    missing: planned === undefined ? null : Math.max(0, planned - installed),
    cameras: cameras.length,
    uptimePct: pooled((c) => c.uptime),
    integratedPct: pooled((c) => c.integrated),
    recordingPct: pooled((c) => c.recording),
    outageCount: cameras.reduce((s, c) => s + c.outageCount, 0),
    restoredCameras: cameras.filter((c) => c.restored).length,
    replaced: input.inventory ? cameras.reduce((s, c) => s + (c.replaced ?? 0), 0) : null,
    pictureDegradedMs: groupSum(
      cameras.map((c) => c.picture?.degradedMs ?? null),
      input.picture !== undefined,
    ),
    lprNoReadsMs: groupSum(
      cameras.map((c) => c.lprNoReadsMs),
      input.lprNoReads !== undefined,
    ),
  };
}
