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
  /**
   * Share of blocks unchanged between the check's two grabs a few seconds apart (1: frozen); when
   * the second grab failed, since the previous check.
   */
  readonly unchanged: number | undefined;
  /** Share of blocks unchanged since the previous check's last grab. */
  readonly unchangedSincePrevious?: number | undefined;
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
  /** Luma of the previous check's last grab. */
  readonly previousLuma: Uint8Array | undefined;
  readonly last: PictureLastSample | undefined;
  readonly checkedAt: string | undefined;
  readonly lastError: string | undefined;
}

export type PictureEvent =
  | {
      readonly type: 'sample';
      readonly thumbnail: Thumbnail;
      /** A second grab of the same check a few seconds later (undefined: it failed). */
      readonly second?: Thumbnail | undefined;
      readonly streamAdvancing: boolean;
    }
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
  const { unchanged, sincePrevious, frozenContinues } = frozenEvidence(s, e, rules);
  const seen = assessSample({ measures, reference, unchanged, streamAdvancing: e.streamAdvancing }, rules);
  const { learning, references, learnt } = learn(s, mode, measures, seen, atIso, rules);
  const streaks = nextStreaks(s.streaks, seen, frozenContinues);
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
    previousLuma: Uint8Array.from((e.second ?? e.thumbnail).y),
    last: {
      at: atIso,
      mode,
      measures: scalar,
      correlation: reference ? viewCorrelation(measures.grid, reference.grid) : undefined,
      unchanged,
      unchangedSincePrevious: sincePrevious,
      reasons: seen,
    },
    checkedAt: atIso,
    lastError: undefined,
  };
  const changed = reasons.length !== s.reasons.length || reasons.some((r, i) => r !== s.reasons[i]);
  return { state, learnt, changed };
}

/**
 * Frozen is judged within one check (issue #17: raised within two intervals like every fault): its
 * two grabs a few seconds apart show the same picture while the stream's frames advance. A live
 * still scene's grabs differ by sensor noise; a frozen picture's are identical but for a ticking
 * burnt-in clock. The frozen streak grows only while the picture also stayed the same since the
 * previous check, so two unchanged checks in a row are the same picture minutes apart: a live
 * scene so quiet that its grabs match (heavy temporal noise reduction) still drifts with the
 * light between checks. Without a second grab, the previous check is the comparison, as before.
 */
function frozenEvidence(
  s: PictureState,
  e: Extract<PictureEvent, { type: 'sample' }>,
  rules: PictureRules,
): { unchanged: number | undefined; sincePrevious: number | undefined; frozenContinues: boolean } {
  const share = (a: Uint8Array, b: Uint8Array): number => unchangedShare(a, b, rules.frozenMaxDifference);
  const sincePrevious = s.previousLuma ? share(s.previousLuma, e.thumbnail.y) : undefined;
  if (!e.second) return { unchanged: sincePrevious, sincePrevious, frozenContinues: true };
  const frozenContinues = sincePrevious === undefined || sincePrevious >= rules.frozenMinShare;
  return { unchanged: share(e.thumbnail.y, e.second.y), sincePrevious, frozenContinues };
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
  frozenContinues: boolean,
): Partial<Record<PictureReason, { bad: number; good: number }>> {
  const next: Partial<Record<PictureReason, { bad: number; good: number }>> = {};
  for (const r of PICTURE_REASONS) {
    const k = prev[r] ?? { bad: 0, good: 0 };
    // A frozen check showing another picture than the previous one starts a new streak.
    const bad = r === 'picture_frozen' && !frozenContinues ? 1 : k.bad + 1;
    next[r] = seen.includes(r) ? { bad, good: 0 } : { bad: 0, good: k.good + 1 };
  }
  return next;
}
