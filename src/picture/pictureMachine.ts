import type { PictureStatus } from '../shared/types.js';
import {
  assessSample,
  learnable,
  learnReference,
  modeOf,
  PICTURE_REASONS,
  type PictureMode,
  type PictureReason,
  type PictureReference,
  type PictureThresholds,
} from './assess.js';
import {
  measure,
  type PictureMeasures,
  type Thumbnail,
  unchangedShare,
  viewCorrelation,
} from './measures.js';

export type { PictureStatus };

export interface PictureRules extends PictureThresholds {
  /** Bad samples in a row that raise a reason (a passing truck is one sample). */
  readonly raiseAfter: number;
  /** Good samples in a row that clear it. */
  readonly clearAfter: number;
  /** Good samples a reference is learnt from. */
  readonly learnSamples: number;
}

/** The last sample, for `camgate why`. */
export interface PictureLastSample {
  readonly at: string;
  readonly mode: PictureMode;
  readonly measures: Omit<PictureMeasures, 'grid'>;
  /** Correlation with the mode's reference grid, when both have structure. */
  readonly correlation: number | undefined;
  /** Share of blocks unchanged since the previous sample (1: frozen). */
  readonly unchanged: number | undefined;
  /** What this one sample showed, before hysteresis. */
  readonly reasons: readonly PictureReason[];
}

export interface PictureState {
  readonly status: PictureStatus;
  /** Raised reasons (after hysteresis), in PICTURE_REASONS order. */
  readonly reasons: readonly PictureReason[];
  readonly references: Readonly<Partial<Record<PictureMode, PictureReference>>>;
  readonly learning: Readonly<Partial<Record<PictureMode, readonly PictureMeasures[]>>>;
  /** Consecutive samples showing (bad) or not showing (good) each reason. */
  readonly streaks: Readonly<Partial<Record<PictureReason, { bad: number; good: number }>>>;
  readonly previousLuma: Uint8Array | undefined;
  readonly last: PictureLastSample | undefined;
  readonly checkedAt: string | undefined;
  readonly lastError: string | undefined;
}

export type PictureEvent =
  | { readonly type: 'sample'; readonly thumbnail: Thumbnail; readonly streamAdvancing: boolean }
  | { readonly type: 'failed'; readonly error: string }
  | { readonly type: 'reset' };

export interface PictureStep {
  readonly state: PictureState;
  /** A reference learnt by this step (the caller persists it). */
  readonly learnt: PictureReference | undefined;
  /** The raised reasons changed. */
  readonly changed: boolean;
}

export function initialPictureState(
  references: Partial<Record<PictureMode, PictureReference>> = {},
): PictureState {
  return {
    status: 'unknown',
    reasons: [],
    references,
    learning: {},
    streaks: {},
    previousLuma: undefined,
    last: undefined,
    checkedAt: undefined,
    lastError: undefined,
  };
}

/** Pure reducer: one sample (or a failed attempt, or a re-baseline) in, the camera's picture state out. */
export function reducePicture(
  s: PictureState,
  e: PictureEvent,
  atIso: string,
  rules: PictureRules,
): PictureStep {
  if (e.type === 'failed') return { state: { ...s, lastError: e.error }, learnt: undefined, changed: false };
  if (e.type === 'reset') {
    const state = { ...initialPictureState(), previousLuma: s.previousLuma };
    return { state, learnt: undefined, changed: s.reasons.length > 0 };
  }
  const measures = measure(e.thumbnail);
  const mode = modeOf(measures, rules);
  const reference = s.references[mode];
  const unchanged = s.previousLuma
    ? unchangedShare(s.previousLuma, e.thumbnail.y, rules.frozenMaxDifference)
    : undefined;
  const seen = assessSample({ measures, reference, unchanged, streamAdvancing: e.streamAdvancing }, rules);
  const { learning, references, learnt } = learn(s, mode, measures, seen, atIso, rules);
  const streaks = nextStreaks(s.streaks, seen);
  const reasons = PICTURE_REASONS.filter((r) => {
    const k = streaks[r];
    const wasRaised = s.reasons.includes(r);
    return wasRaised ? (k?.good ?? 0) < rules.clearAfter : (k?.bad ?? 0) >= rules.raiseAfter;
  });
  const { grid: _grid, ...scalar } = measures;
  const state: PictureState = {
    status: reasons.length > 0 ? 'degraded' : references[mode] ? 'ok' : 'learning',
    reasons,
    references,
    learning,
    streaks,
    previousLuma: Uint8Array.from(e.thumbnail.y),
    last: {
      at: atIso,
      mode,
      measures: scalar,
      correlation: reference ? viewCorrelation(measures.grid, reference.grid) : undefined,
      unchanged,
      reasons: seen,
    },
    checkedAt: atIso,
    lastError: undefined,
  };
  const changed = reasons.length !== s.reasons.length || reasons.some((r, i) => r !== s.reasons[i]);
  return { state, learnt, changed };
}

function learn(
  s: PictureState,
  mode: PictureMode,
  measures: PictureMeasures,
  seen: readonly PictureReason[],
  atIso: string,
  rules: PictureRules,
): Pick<PictureState, 'learning' | 'references'> & { learnt: PictureReference | undefined } {
  if (s.references[mode] || !learnable(seen))
    return { learning: s.learning, references: s.references, learnt: undefined };
  const samples = [...(s.learning[mode] ?? []), measures];
  if (samples.length < rules.learnSamples)
    return { learning: { ...s.learning, [mode]: samples }, references: s.references, learnt: undefined };
  const learnt = learnReference(mode, samples, atIso);
  return { learning: { ...s.learning, [mode]: [] }, references: { ...s.references, [mode]: learnt }, learnt };
}

function nextStreaks(
  prev: PictureState['streaks'],
  seen: readonly PictureReason[],
): Partial<Record<PictureReason, { bad: number; good: number }>> {
  const next: Partial<Record<PictureReason, { bad: number; good: number }>> = {};
  for (const r of PICTURE_REASONS) {
    const k = prev[r] ?? { bad: 0, good: 0 };
    next[r] = seen.includes(r) ? { bad: k.bad + 1, good: 0 } : { bad: 0, good: k.good + 1 };
  }
  return next;
}
