/**
 * The picture thresholds: what each means, its bounds and its built-in value, in one table that
 * the checks (assess.ts) and the config schema (config/pictureSchema.ts, which states them in the
 * JSON Schema) both read. Plain data, so the pure picture code does not depend on the config.
 */

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
  /** A block whose mean absolute luma difference between two grabs is at most this is unchanged. */
  readonly frozenMaxDifference: number;
  /** Frozen (while the stream advances) when at least this share of blocks is unchanged. */
  readonly frozenMinShare: number;
  /** Mean chroma below this is a monochrome (IR night) picture. */
  readonly nightChroma: number;
}

export interface ThresholdField {
  readonly min: number;
  readonly max: number;
  /** The built-in value: `picture.defaults` starts from it, a class override replaces it. */
  readonly value: number;
  readonly description: string;
}

/** Bounds, description and built-in value of each threshold. */
export const THRESHOLD_FIELDS = {
  darkLuma: { min: 0, max: 255, value: 24, description: 'mean luma (0-255) below this is dark' },
  darkRatio: {
    min: 0,
    max: 1,
    value: 0.4,
    description: "dark below this share of the reference's mean luma (day and night references apart)",
  },
  coveredContrast: {
    min: 0,
    max: 128,
    value: 6,
    description: 'luma standard deviation below this is covered',
  },
  coveredRatio: {
    min: 0,
    max: 1,
    value: 0.2,
    description: "covered below this share of the reference's contrast",
  },
  blurRatio: {
    min: 0,
    max: 1,
    value: 0.6,
    description: "blurred below this share of the reference's sharpness",
  },
  viewMinCorrelation: {
    min: -1,
    max: 1,
    value: 0.5,
    description: "view changed when the scene's correlation with the reference falls below this",
  },
  frozenMaxDifference: {
    min: 0,
    max: 255,
    // About 3 of a block's 64 pixels one level apart: a frozen picture's grabs are identical but
    // for the OSD clock; 0.3 took over 90 % of a still street's blocks as unchanged with faint
    // sensor noise (ffmpeg noise 1-3 after JPEG), 0.05 at most 82 % (the labelled set's still cases).
    value: 0.05,
    description:
      "a block whose mean luma difference between the check's two grabs is at most this is unchanged",
  },
  frozenMinShare: {
    min: 0,
    max: 1,
    value: 0.9,
    description: 'frozen (while the stream advances) when at least this share of blocks is unchanged',
  },
  nightChroma: {
    min: 0,
    max: 255,
    value: 3,
    description: 'mean chroma below this is a night (IR, monochrome) picture',
  },
} as const satisfies Record<keyof PictureThresholds, ThresholdField>;

export type ThresholdKey = keyof typeof THRESHOLD_FIELDS;
export const THRESHOLD_KEYS = Object.keys(THRESHOLD_FIELDS) as ThresholdKey[];

/** The built-in thresholds (the values above), for code that judges without a config. */
export const DEFAULT_THRESHOLDS: PictureThresholds = Object.fromEntries(
  THRESHOLD_KEYS.map((k) => [k, THRESHOLD_FIELDS[k].value]),
) as Record<ThresholdKey, number>;
