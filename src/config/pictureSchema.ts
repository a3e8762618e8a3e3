import { z } from 'zod';
import type { PictureThresholds } from '../picture/assess.js';

interface ThresholdField {
  readonly min: number;
  readonly max: number;
  /** The built-in value: `picture.defaults` starts from it, a class override replaces it. */
  readonly value: number;
  readonly description: string;
}

/** The picture thresholds' one source: bounds, description and default of each (assess.ts judges with them). */
const THRESHOLD_FIELDS = {
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

type ThresholdKey = keyof typeof THRESHOLD_FIELDS;
const KEYS = Object.keys(THRESHOLD_FIELDS) as ThresholdKey[];
const bounded = (f: ThresholdField) => z.number().min(f.min).max(f.max);

/** The built-in thresholds (the values above), for code that judges without a config. */
export const DEFAULT_THRESHOLDS: PictureThresholds = Object.fromEntries(
  KEYS.map((k) => [k, THRESHOLD_FIELDS[k].value]),
) as Record<ThresholdKey, number>;

/** `picture.defaults`: every threshold, each with its default (shown in the JSON Schema). */
const defaultThresholds = z.strictObject(
  Object.fromEntries(
    KEYS.map((k) => {
      const f = THRESHOLD_FIELDS[k];
      return [k, bounded(f).default(f.value).describe(f.description)];
    }),
  ) as Record<ThresholdKey, z.ZodDefault<z.ZodNumber>>,
);

/** `picture.classes.*`: a class's own thresholds over the defaults; every field optional. */
const classThresholds = z.strictObject(
  Object.fromEntries(
    KEYS.map((k) => {
      const f = THRESHOLD_FIELDS[k];
      return [k, bounded(f).optional().describe(f.description)];
    }),
  ) as Record<ThresholdKey, z.ZodOptional<z.ZodNumber>>,
);

/** The `picture` section (issue #17): sampled picture checks per camera, off the hot path. */
export const pictureSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('sample each camera picture and judge it'),
    intervalMinutes: z
      .number()
      .min(0.05)
      .max(1440)
      .default(10)
      .describe('minutes between two samples of one camera (cameras are staggered over the interval)'),
    raiseAfter: z
      .number()
      .int()
      .min(1)
      .max(10)
      .default(2)
      .describe('bad samples in a row that raise a reason'),
    clearAfter: z.number().int().min(1).max(10).default(2).describe('good samples in a row that clear it'),
    learnSamples: z
      .number()
      .int()
      .min(1)
      .max(20)
      .default(3)
      .describe('good samples the day or night reference is learnt from'),
    timeoutSeconds: z.number().min(1).max(120).default(15).describe('longest one sample may take'),
    maxSnapshotBytes: z
      .number()
      .int()
      .min(10_000)
      .max(20_000_000)
      .default(3_000_000)
      .describe('largest snapshot JPEG accepted'),
    camerasPerFfmpeg: z
      .number()
      .int()
      .min(1)
      .max(4096)
      .default(64)
      .describe('at most one ffmpeg at a time per this many cameras (at least one)'),
    defaults: defaultThresholds
      .default(() => defaultThresholds.parse({}))
      .describe('thresholds for every class'),
    classes: z
      .strictObject({
        overview: classThresholds.default({}),
        panoramic: classThresholds.default({}),
        lpr: classThresholds.default({}),
      })
      .default({ overview: {}, panoramic: {}, lpr: {} })
      .describe('per class thresholds over the defaults'),
  })
  .describe('picture checks');

export type PictureConfig = z.output<typeof pictureSchema>;
