import { z } from 'zod';
import { DEFAULT_THRESHOLDS } from '../picture/assess.js';

/** Thresholds of one camera class; every field optional, the defaults below fill the gaps. */
const thresholds = z.strictObject({
  darkLuma: z.number().min(0).max(255).optional().describe('mean luma (0-255) below this is dark'),
  darkRatio: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe("dark below this share of the reference's mean luma (day and night references apart)"),
  coveredContrast: z
    .number()
    .min(0)
    .max(128)
    .optional()
    .describe('luma standard deviation below this is covered'),
  coveredRatio: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe("covered below this share of the reference's contrast"),
  blurRatio: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe("blurred below this share of the reference's sharpness"),
  viewMinCorrelation: z
    .number()
    .min(-1)
    .max(1)
    .optional()
    .describe("view changed when the scene's correlation with the reference falls below this"),
  frozenMaxDifference: z
    .number()
    .min(0)
    .max(255)
    .optional()
    .describe(
      "a block whose mean luma difference between the check's two grabs is at most this is unchanged",
    ),
  frozenMinShare: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('frozen (while the stream advances) when at least this share of blocks is unchanged'),
  nightChroma: z
    .number()
    .min(0)
    .max(255)
    .optional()
    .describe('mean chroma below this is a night (IR, monochrome) picture'),
});

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
    defaults: thresholds.default({}).describe('thresholds for every class'),
    classes: z
      .strictObject({
        overview: thresholds.default({}),
        panoramic: thresholds.default({}),
        lpr: thresholds.default({}),
      })
      .default({ overview: {}, panoramic: {}, lpr: {} })
      .describe('per class thresholds over the defaults'),
  })
  .describe(`picture checks; built-in thresholds: ${JSON.stringify(DEFAULT_THRESHOLDS)}`);

export type PictureConfig = z.output<typeof pictureSchema>;
