import { PICTURE_REASONS, type PictureReason } from '../shared/types.js';
import { type PictureMeasures, viewCorrelation } from './measures.js';
import type { PictureThresholds } from './thresholds.js';

export { PICTURE_REASONS, type PictureReason };

/** Day (colour) or night (IR, monochrome): each has its own reference. */
export type PictureMode = 'day' | 'night';

/** The thresholds and their built-in values: one table, shared with the config schema. */
export { DEFAULT_THRESHOLDS, type PictureThresholds } from './thresholds.js';

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
  /** Share of blocks unchanged between the check's two grabs (measures.ts unchangedShare), or since the previous check; undefined for none. */
  readonly unchanged: number | undefined;
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
  if (input.streamAdvancing && input.unchanged !== undefined && input.unchanged >= t.frozenMinShare)
    reasons.push('picture_frozen');
  const flat =
    m.contrast < t.coveredContrast || (ref !== undefined && m.contrast < ref.contrast * t.coveredRatio);
  // A flat picture that is also dim is dark (a dead sensor, black paint, a hand at night), not
  // "covered": a black frame is monochrome, so it is judged in night mode, often before any
  // night reference exists to compare its brightness with.
  const dark =
    m.meanLuma < t.darkLuma ||
    (ref !== undefined && m.meanLuma < ref.meanLuma * t.darkRatio) ||
    (flat && m.meanLuma < 2 * t.darkLuma);
  if (dark) return ['picture_dark', ...reasons];
  if (flat) return ['picture_covered', ...reasons];
  if (ref === undefined) return reasons;
  const view = viewCorrelation(m.grid, ref.grid);
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
