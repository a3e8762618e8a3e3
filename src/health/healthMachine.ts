import { STALL_REASON, streamCauseOf } from '../shared/causes.js';
import type { CameraStatus, IntegrationCause, OutageEdge, StreamStats } from '../shared/types.js';
import { isDown, streamOutageEdge } from './outage.js';
import { type HealthRules, qualityReasons, refusedReason, unreachableReason } from './streamQuality.js';

export type SampleKind =
  | 'connected'
  | 'packets'
  | 'stall'
  | 'closed'
  | 'unauthorized'
  | 'refused'
  | 'unreachable'
  | 'paused';

export type HealthEvent =
  | {
      readonly type: 'sample';
      readonly kind: SampleKind;
      readonly stats?: StreamStats;
      readonly detail?: string;
      /** `unauthorized` only: the refused call, e.g. `onvif GetProfiles` (named in the reasons). */
      readonly call?: string;
    }
  /**
   * Drives the time rules (stall without a `stall` sample, closed-too-long, hysteresis expiry).
   * `blockedMs`: the event loop was blocked this long before the tick (`nextTick`).
   */
  | { readonly type: 'tick'; readonly blockedMs?: number }
  /** From the camera's profile; undefined when unknown (then no fps rule applies). */
  | { readonly type: 'expectedFps'; readonly fps: number | undefined };

type UpStatus = 'online' | 'degraded';

export interface HealthState {
  readonly status: CameraStatus;
  readonly reasons: readonly string[];
  /** The stream part of the integration cause; undefined while online/degraded. */
  readonly cause: IntegrationCause | undefined;
  /** `now` (monotonic ms) when `status` was entered. */
  readonly since: number;
  /** Monotonic ms of the last sign of life of an open session; undefined when no session is open. */
  readonly dataAt: number | undefined;
  /** Evidence for `camgate why`: when data last flowed, what the stream looked like, last detail. */
  readonly lastPacketAt: number | undefined;
  readonly stats: StreamStats | undefined;
  readonly detail: string | undefined;
  /** Set by `closed` while up: offline only if no reconnect follows within stallSeconds. */
  readonly closedAt: number | undefined;
  readonly expectedFps: number | undefined;
  /** Times of recent connects, for crash-loop detection. */
  readonly connects: readonly number[];
  /** An up status waiting out the hysteresis before it becomes `status`. */
  readonly pending:
    | { readonly status: UpStatus; readonly reasons: readonly string[]; readonly firstAt: number }
    | undefined;
}

export interface HealthTransition {
  readonly from: CameraStatus;
  readonly to: CameraStatus;
  readonly reasons: readonly string[];
  readonly cause: IntegrationCause | undefined;
  /** Whether this transition starts or ends an outage (health/outage.ts). */
  readonly outage: OutageEdge | undefined;
  readonly at: number;
}

/** Half a second: a stall is persisted within stallSeconds + 0.5 s of the last packet. */
export const HEALTH_TICK_MS = 500;

/** A camera's tick three periods after its last: a blocked loop. */
export const LATE_TICK_MS = 3 * HEALTH_TICK_MS;

/** A camera's last tick and the gap before it, kept by the owner of the tick schedule. */
export interface TickTimes {
  readonly at: number;
  readonly gap: number;
}

/**
 * How long the event loop was blocked before a camera's tick at `now` (0 when on time), and the
 * times to keep for the next one. Only the part of a late gap beyond the previous gap counts: on a
 * box so loaded that every pass takes seconds, every tick is late, and crediting each whole gap
 * would keep the stall clocks from ever running. A previous gap shorter than the tick period
 * (a catch-up tick) still only excuses the excess over the period: otherwise alternating short
 * and long gaps would credit nearly every long gap whole and a real stall's clock barely moves.
 */
export function nextTick(last: TickTimes | undefined, now: number): { ticks: TickTimes; blockedMs: number } {
  if (last === undefined) return { ticks: { at: now, gap: 0 }, blockedMs: 0 };
  const gap = now - last.at;
  return {
    ticks: { at: now, gap },
    blockedMs: gap > LATE_TICK_MS ? Math.max(0, gap - Math.max(last.gap, HEALTH_TICK_MS)) : 0,
  };
}

export interface HealthResult {
  readonly state: HealthState;
  readonly transitions: readonly HealthTransition[];
}

export function initialHealthState(now: number): HealthState {
  return {
    status: 'unknown',
    reasons: ['not yet observed'],
    cause: streamCauseOf('unknown', []),
    since: now,
    dataAt: undefined,
    lastPacketAt: undefined,
    stats: undefined,
    detail: undefined,
    closedAt: undefined,
    expectedFps: undefined,
    connects: [],
    pending: undefined,
  };
}

/**
 * The health machine: pure, `now` is monotonic ms passed in. Going down (offline, unauthorized) is
 * immediate so a frozen stream is persisted within stallSeconds + one tick; coming up, and moving
 * between online and degraded, must hold for hysteresisSeconds so a flapping camera does not spam.
 */
export function reduceHealth(
  state: HealthState,
  event: HealthEvent,
  now: number,
  rules: HealthRules,
): HealthResult {
  switch (event.type) {
    case 'tick':
      return onTick(notCounting(state, event.blockedMs ?? 0, now), now, rules);
    case 'expectedFps':
      return unchanged({ ...state, expectedFps: event.fps });
    case 'sample':
      return onSample(state, event, now, rules);
  }
}

/** `reduceHealth` with the rules bound: the `(state, event, now) -> {state, transitions}` shape. */
export function healthReducer(
  rules: HealthRules,
): (state: HealthState, event: HealthEvent, now: number) => HealthResult {
  return (state, event, now) => reduceHealth(state, event, now, rules);
}

function onSample(
  s: HealthState,
  e: Extract<HealthEvent, { type: 'sample' }>,
  now: number,
  rules: HealthRules,
): HealthResult {
  // Flowing packets make an old error detail ("ECONNREFUSED") misleading evidence; other samples keep it.
  const withDetail: HealthState = { ...s, detail: e.detail ?? (e.kind === 'packets' ? undefined : s.detail) };
  switch (e.kind) {
    case 'connected': {
      const windowMs = rules.crashLoopWindowSeconds * 1000;
      const connects = [...s.connects.filter((t) => now - t < windowMs), now];
      // A reconnect does not restart the no-data clock: a camera that reaches PLAY and dies before
      // sending RTP, again and again, has sent no video and must go offline after stallSeconds.
      const next: HealthState = {
        ...withDetail,
        connects,
        dataAt: s.dataAt ?? now,
        stats: e.stats ?? s.stats,
      };
      // Connected is not yet streaming; only refresh a down status's reasons (crash loop shows up here).
      if (!isDown(s.status)) return unchanged(next);
      return unchanged({ ...next, reasons: withCrashLoop(baseReasons(s.reasons), next, now, rules) });
    }
    case 'packets': {
      const next: HealthState = {
        ...withDetail,
        dataAt: now,
        lastPacketAt: now,
        closedAt: undefined,
        stats: e.stats ?? s.stats,
      };
      return settle(next, upCandidate(next, now, rules), now, rules);
    }
    case 'stall':
      return goDown(withDetail, 'offline', [STALL_REASON], now, rules);
    case 'unauthorized':
      return goDown(
        withDetail,
        'unauthorized',
        [e.call ? `unauthorized ${e.call}` : 'unauthorized'],
        now,
        rules,
      );
    case 'unreachable':
      return goDown(withDetail, 'offline', [unreachableReason(e.detail)], now, rules);
    case 'refused':
      return goDown(withDetail, 'offline', [refusedReason(e.detail)], now, rules);
    case 'paused':
      // Sampled mode between samples: the last observed status holds, no stall clock runs (field
      // bug: session-limited LPR cameras watched by sampling flapped offline after every sample).
      return unchanged({ ...withDetail, dataAt: undefined, closedAt: undefined });
    case 'closed':
      // A down camera stays down for its own reason. Otherwise the first close starts the clock and
      // later ones do not restart it: sessions failing before PLAY every second never reach `connected`.
      if (isDown(s.status))
        return unchanged({ ...withDetail, dataAt: undefined, closedAt: undefined, pending: undefined });
      return unchanged({ ...withDetail, pending: undefined, closedAt: s.closedAt ?? now });
  }
}

/**
 * The stall clocks do not run while the event loop was blocked: the packets of that time still
 * wait unread in the sockets, and their samples come after this tick. Judged by the old clocks,
 * a 3 s block (seen at 1,024 cameras on a loaded box) marked every camera offline at once, though
 * the stream sessions, which refuse to judge on a late tick, kept them all (#14).
 */
function notCounting(s: HealthState, blockedMs: number, now: number): HealthState {
  if (blockedMs <= 0) return s;
  const later = (at: number | undefined) => (at === undefined ? undefined : Math.min(now, at + blockedMs));
  return { ...s, dataAt: later(s.dataAt), closedAt: later(s.closedAt) };
}

function onTick(s: HealthState, now: number, rules: HealthRules): HealthResult {
  const stallMs = rules.stallSeconds * 1000;
  if (s.dataAt !== undefined && now - s.dataAt >= stallMs) {
    return goDown(s, 'offline', [s.closedAt === undefined ? STALL_REASON : SESSION_CLOSED], now, rules);
  }
  if (s.closedAt !== undefined && now - s.closedAt >= stallMs) {
    return goDown(s, 'offline', [SESSION_CLOSED], now, rules);
  }
  if (s.pending && now - s.pending.firstAt >= rules.hysteresisSeconds * 1000) {
    return move(s, s.pending.status, s.pending.reasons, now);
  }
  return unchanged(s);
}

function upCandidate(
  s: HealthState,
  now: number,
  rules: HealthRules,
): { status: UpStatus; reasons: string[] } {
  const reasons = withCrashLoop(qualityReasons(s.stats, s.expectedFps, rules), s, now, rules);
  return { status: reasons.length > 0 ? 'degraded' : 'online', reasons };
}

/** Up candidates: same status refreshes reasons; a different one must hold for the hysteresis. */
function settle(
  s: HealthState,
  cand: { status: UpStatus; reasons: readonly string[] },
  now: number,
  rules: HealthRules,
): HealthResult {
  if (cand.status === s.status) return unchanged({ ...s, reasons: cand.reasons, pending: undefined });
  if (s.status === 'unknown') return move(s, cand.status, cand.reasons, now);
  // Recovering from down, the clock runs from the first good packet whatever its quality;
  // between online and degraded it restarts when the candidate flips.
  const p = s.pending;
  const firstAt = p !== undefined && (isDown(s.status) || p.status === cand.status) ? p.firstAt : now;
  if (now - firstAt >= rules.hysteresisSeconds * 1000) return move(s, cand.status, cand.reasons, now);
  return unchanged({ ...s, pending: { status: cand.status, reasons: cand.reasons, firstAt } });
}

/** Down is never delayed: the stall-detection goal is measured from freeze to persisted transition. */
function goDown(
  s: HealthState,
  status: 'offline' | 'unauthorized',
  reasons: readonly string[],
  now: number,
  rules: HealthRules,
): HealthResult {
  const cleared: HealthState = { ...s, dataAt: undefined, closedAt: undefined, pending: undefined };
  const full = withCrashLoop(reasons, cleared, now, rules);
  if (s.status === status) {
    return unchanged({ ...cleared, reasons: full, cause: streamCauseOf(status, full) });
  }
  return move(cleared, status, full, now);
}

function move(s: HealthState, to: CameraStatus, reasons: readonly string[], now: number): HealthResult {
  const cause = streamCauseOf(to, reasons);
  const outage = streamOutageEdge(s.status, to);
  const transition: HealthTransition = { from: s.status, to, reasons, cause, outage, at: now };
  return {
    state: { ...s, status: to, reasons, cause, since: now, pending: undefined },
    transitions: [transition],
  };
}

const CRASH_LOOP = 'crash_loop';
const SESSION_CLOSED = 'session_closed';

function withCrashLoop(
  reasons: readonly string[],
  s: HealthState,
  now: number,
  rules: HealthRules,
): string[] {
  const windowMs = rules.crashLoopWindowSeconds * 1000;
  const recent = s.connects.filter((t) => now - t < windowMs).length;
  if (recent < rules.crashLoopReconnects) return [...reasons];
  return [...reasons, `${CRASH_LOOP} ${recent}/${rules.crashLoopWindowSeconds}s`];
}

function baseReasons(reasons: readonly string[]): string[] {
  return reasons.filter((r) => !r.startsWith(CRASH_LOOP));
}

function unchanged(state: HealthState): HealthResult {
  return { state, transitions: [] };
}
