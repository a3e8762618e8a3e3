/**
 * Uptime arithmetic over outage spans: pure, so reports and `camgate outages` agree with tests.
 * Windows and overlaps are wall-clock (that is what people ask for); an outage's own length is its
 * monotonic duration, so an NTP step inside an outage cannot stretch or shrink it.
 */

export interface OutageSpan {
  readonly cameraId: string;
  readonly startedMs: number;
  /** Wall ms; undefined while open. */
  readonly endedMs: number | undefined;
  /** Monotonic duration; for an open outage, how long it has lasted so far. */
  readonly durationMs: number;
  readonly endReason: string | undefined;
}

export interface Span {
  readonly fromMs: number;
  readonly toMs: number;
}

export interface CameraUptime {
  readonly cameraId: string;
  readonly outages: number;
  readonly downMs: number;
  /** Window time the gateway itself was not running (reboots): neither up nor down. */
  readonly unobservedMs: number;
  /** null when this gateway never observed the camera by the window's end: no data is not 100 %. */
  readonly uptimePct: number | null;
}

export interface RestoredCamera {
  readonly cameraId: string;
  readonly outages: number;
  readonly downMs: number;
  readonly restoredAtMs: number;
}

function overlap(a: Span, b: Span): number {
  return Math.max(0, Math.min(a.toMs, b.toMs) - Math.max(a.fromMs, b.fromMs));
}

/** Down time of one outage inside the window, in monotonic terms where the outage lies wholly inside. */
export function downWithin(o: OutageSpan, window: Span, nowMs: number): number {
  const span = { fromMs: o.startedMs, toMs: o.endedMs ?? nowMs };
  const inWindow = overlap(span, window);
  const whollyInside = span.fromMs >= window.fromMs && span.toMs <= window.toMs;
  return whollyInside ? o.durationMs : Math.min(inWindow, o.durationMs);
}

export function uptimeByCamera(
  cameraIds: readonly string[],
  observed: ReadonlySet<string>,
  outages: readonly OutageSpan[],
  gaps: readonly Span[],
  window: Span,
  nowMs: number,
): CameraUptime[] {
  const unobservedMs = gaps.reduce((sum, g) => sum + overlap(g, window), 0);
  const observedMs = Math.max(0, window.toMs - window.fromMs - unobservedMs);
  const ids = [...new Set([...cameraIds, ...outages.map((o) => o.cameraId)])].sort();
  return ids.map((cameraId) => {
    const mine = outages.filter((o) => o.cameraId === cameraId && downWithin(o, window, nowMs) > 0);
    const downMs = Math.min(
      observedMs,
      mine.reduce((sum, o) => sum + downWithin(o, window, nowMs), 0),
    );
    const seen = observed.has(cameraId) || mine.length > 0;
    const uptimePct = !seen || observedMs === 0 ? null : round2(100 * (1 - downMs / observedMs));
    return { cameraId, outages: mine.length, downMs, unobservedMs, uptimePct };
  });
}

/**
 * "Restored" as towns report it, measured: the camera had at least one outage in the window and
 * its last one had ended by the window's end (a removed camera is not restored).
 */
export function restoredCameras(
  outages: readonly OutageSpan[],
  window: Span,
  nowMs: number,
): RestoredCamera[] {
  const byCamera = new Map<string, OutageSpan[]>();
  for (const o of outages) {
    if (downWithin(o, window, nowMs) <= 0) continue;
    byCamera.set(o.cameraId, [...(byCamera.get(o.cameraId) ?? []), o]);
  }
  const out: RestoredCamera[] = [];
  for (const [cameraId, list] of byCamera) {
    const last = [...list].sort((a, b) => a.startedMs - b.startedMs).at(-1);
    if (!last || last.endedMs === undefined || last.endedMs > window.toMs) continue;
    if (last.endReason === 'removed') continue;
    const downMs = list.reduce((sum, o) => sum + downWithin(o, window, nowMs), 0);
    out.push({ cameraId, outages: list.length, downMs, restoredAtMs: last.endedMs });
  }
  return out.sort((a, b) => a.cameraId.localeCompare(b.cameraId));
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
