import { z } from 'zod';
import {
  THRESHOLD_FIELDS,
  THRESHOLD_KEYS,
  type ThresholdField,
  type ThresholdKey,
} from '../picture/thresholds.js';

const bounded = (f: ThresholdField) => z.number().min(f.min).max(f.max);

/** `picture.defaults`: every threshold, each with its default (shown in the JSON Schema). */
const defaultThresholds = z.strictObject(
  Object.fromEntries(
    THRESHOLD_KEYS.map((k) => {
      const f = THRESHOLD_FIELDS[k];
      return [k, bounded(f).default(f.value).describe(f.description)];
    }),
  ) as Record<ThresholdKey, z.ZodDefault<z.ZodNumber>>,
);

/** `picture.classes.*`: a class's own thresholds over the defaults; every field optional. */
const classThresholds = z.strictObject(
  Object.fromEntries(
    THRESHOLD_KEYS.map((k) => {
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
