import { REFUSED_REASON } from '../shared/causes.js';
import { RTP_TIMESTAMPS_INVALID, type StreamStats } from '../shared/types.js';

/** The thresholds of the `health` config section plus crash-loop limits (not user-tunable yet). */
export interface HealthRules {
  readonly stallSeconds: number;
  readonly minFpsRatio: number;
  readonly maxLossPct: number;
  readonly maxKeyframeIntervalSeconds: number;
  readonly hysteresisSeconds: number;
  /** This many (re)connects inside the window marks a crash loop. */
  readonly crashLoopReconnects: number;
  readonly crashLoopWindowSeconds: number;
}

/**
 * Five reconnects in two minutes: a supervisor backing off 1, 2, 4, 8 s reaches that only when
 * each session dies within seconds of starting, which is the pattern of a camera rebooting itself.
 */
export const CRASH_LOOP_DEFAULTS = { crashLoopReconnects: 5, crashLoopWindowSeconds: 120 } as const;

/** Short reason strings: stable tokens first (people grep them), numbers after for the technician. */
export function qualityReasons(
  stats: StreamStats | undefined,
  expectedFps: number | undefined,
  rules: HealthRules,
): string[] {
  const reasons: string[] = [];
  if (!stats) return reasons;
  if (expectedFps !== undefined && stats.fps !== undefined) {
    const minFps = expectedFps * rules.minFpsRatio;
    if (stats.fps < minFps) reasons.push(`fps_low ${fmt(stats.fps)}<${fmt(minFps)}`);
  }
  if (stats.lossPct !== undefined && stats.lossPct > rules.maxLossPct) {
    reasons.push(`loss_high ${fmt(stats.lossPct)}>${fmt(rules.maxLossPct)}`);
  }
  if (stats.keyframeIntervalS !== undefined && stats.keyframeIntervalS > rules.maxKeyframeIntervalSeconds) {
    reasons.push(
      `keyframe_interval ${fmt(stats.keyframeIntervalS)}>${fmt(rules.maxKeyframeIntervalSeconds)}`,
    );
  }
  // Pictures arrive under unusable RTP timestamps (issue #12). Degraded, not offline: the centre
  // gets a picture (integrated), but recordings and viewers that trust the timestamps play at the
  // wrong speed or stutter and jitter cannot be measured, so the encoder needs a technician.
  if (stats.timestampFault !== undefined) reasons.push(`${RTP_TIMESTAMPS_INVALID} ${stats.timestampFault}`);
  return reasons;
}

/** `unreachable` details come from Node's socket errors; map the common ones to stable tokens. */
export function unreachableReason(detail: string | undefined): string {
  const text = detail ?? '';
  if (/ECONNREFUSED|refused/i.test(text)) return 'connection_refused';
  if (/EHOSTUNREACH|ENETUNREACH|EHOSTDOWN|no route/i.test(text)) return 'host_unreachable';
  if (/ETIMEDOUT|timed? ?out/i.test(text)) return 'connect_timeout';
  return 'unreachable';
}

export function refusedReason(detail: string | undefined): string {
  const status = /\b([45]\d\d)\b/.exec(detail ?? '')?.[1];
  return status ? `${REFUSED_REASON} ${status}` : REFUSED_REASON;
}

function fmt(n: number): string {
  return String(Math.round(n * 10) / 10);
}
