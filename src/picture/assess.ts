import { correlation, type PictureMeasures } from './measures.js';

/** The reasons a picture check gives, as they appear in `reasons` of the camera state. */
export const PICTURE_REASONS = [
  'picture_dark',
  'picture_covered',
  'picture_blurred',
  'view_changed',
  'picture_frozen',
] as const;
export type PictureReason = (typeof PICTURE_REASONS)[number];

/** Day (colour) or night (IR, monochrome): each has its own reference. */
export type PictureMode = 'day' | 'night';

/** Per camera class thresholds (config `picture.classes`). */
export interface PictureThresholds {
  /** Mean luma below this is dark whatever the reference says. */
  readonly darkLuma: number;
  /** Mean luma below this share of the reference's is dark (an IR cut filter stuck at night). */
  readonly darkRatio: number;
  /** Luma standard deviation below this is covered (one flat colour). */
  readonly coveredContrast: number;
  /** Contrast below this share of the reference's is covered. */
  readonly coveredRatio: number;
  /** Sharpness below this share of the reference's is blurred. */
  readonly blurRatio: number;
  /** Correlation with the reference's grid below this is a changed view. */
  readonly viewMinCorrelation: number;
  /** Mean luma difference to the previous sample at or below this is frozen (stream advancing). */
  readonly frozenMaxDifference: number;
  /** Mean chroma below this is a monochrome (IR night) picture. */
  readonly nightChroma: number;
}

export const DEFAULT_THRESHOLDS: PictureThresholds = {
  darkLuma: 24,
  darkRatio: 0.3,
  coveredContrast: 6,
  coveredRatio: 0.2,
  blurRatio: 0.45,
  viewMinCorrelation: 0.55,
  frozenMaxDifference: 0.25,
  nightChroma: 3,
};

/** What a camera normally looks like in one mode, learnt from its first good samples. */
export interface PictureReference {
  readonly mode: PictureMode;
  readonly meanLuma: number;
  readonly contrast: number;
  readonly sharpness: number;
  readonly grid: readonly number[];
  /** How many samples it was learnt from. */
  readonly samples: number;
  /** ISO time it was learnt. */
  readonly learntAt: string;
}

export interface SampleInput {
  readonly measures: PictureMeasures;
  /** The reference of the sample's mode, if one is learnt. */
  readonly reference: PictureReference | undefined;
  /** Mean luma difference to the previous sample; undefined for the first one. */
  readonly difference: number | undefined;
  /** The stream health says frames advance (online or degraded): a repeated picture is then frozen. */
  readonly streamAdvancing: boolean;
}

export function modeOf(m: PictureMeasures, t: PictureThresholds): PictureMode {
  return m.chroma < t.nightChroma ? 'night' : 'day';
}

/**
 * Pure: the faults one sample shows, before hysteresis. Dark wins over covered (a black picture is
 * also flat) and both over blur and view (no structure left to judge). Without a reference only
 * the absolute checks (dark, covered, frozen) apply.
 */
export function assessSample(input: SampleInput, t: PictureThresholds): PictureReason[] {
  const { measures: m, reference: ref } = input;
  const reasons: PictureReason[] = [];
  if (input.streamAdvancing && input.difference !== undefined && input.difference <= t.frozenMaxDifference)
    reasons.push('picture_frozen');
  const dark = m.meanLuma < t.darkLuma || (ref !== undefined && m.meanLuma < ref.meanLuma * t.darkRatio);
  if (dark) return ['picture_dark', ...reasons];
  const covered =
    m.contrast < t.coveredContrast || (ref !== undefined && m.contrast < ref.contrast * t.coveredRatio);
  if (covered) return ['picture_covered', ...reasons];
  if (ref === undefined) return reasons;
  const view = correlation(m.grid, ref.grid);
  if (view !== undefined && view < t.viewMinCorrelation) reasons.unshift('view_changed');
  else if (m.sharpness < ref.sharpness * t.blurRatio) reasons.unshift('picture_blurred');
  return reasons;
}

/** A sample fit to learn a reference from: nothing wrong that needs no reference. */
export function learnable(reasons: readonly PictureReason[]): boolean {
  return reasons.length === 0;
}

/** The reference learnt from a few good samples of one mode: grid averaged, the rest by median. */
export function learnReference(
  mode: PictureMode,
  samples: readonly PictureMeasures[],
  learntAt: string,
): PictureReference {
  const first = samples[0];
  if (!first) throw new Error('learnReference needs at least one sample');
  const grid = first.grid.map((_, i) => median(samples.map((s) => s.grid[i] ?? 0)));
  return {
    mode,
    meanLuma: median(samples.map((s) => s.meanLuma)),
    contrast: median(samples.map((s) => s.contrast)),
    sharpness: median(samples.map((s) => s.sharpness)),
    grid,
    samples: samples.length,
    learntAt,
  };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}
