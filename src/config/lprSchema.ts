import { z } from 'zod';

/**
 * The `lpr` section (issue #17 item 3): the licence-plate read rate of LPR cameras through their
 * ONVIF event service. Periods are an hour and a day by default; `periodSeconds` and
 * `periodsPerDay` may be shortened for a pilot or a test (the verdict is the same arithmetic).
 */
export const lprSection = z
  .strictObject({
    enabled: z.boolean().default(true).describe('watch the plate reads of cameras of class lpr'),
    extraTopics: z
      .array(z.string().min(1).max(200))
      .max(64)
      .default([])
      .describe(
        'event topics that are plate reads, added to the built-in list (docs/lpr.md); `*` matches anything, namespace prefixes and case are ignored',
      ),
    periodSeconds: z
      .number()
      .int()
      .min(1)
      .max(86_400)
      .default(3600)
      .describe('reads are counted per period of this length (an hour; shorter only for tests and pilots)'),
    periodsPerDay: z
      .number()
      .int()
      .min(1)
      .max(1440)
      .default(24)
      .describe('periods in one daily cycle: the hours in which a camera normally reads are learnt per slot'),
    learnDays: z
      .number()
      .int()
      .min(1)
      .max(60)
      .default(7)
      .describe('days of history the normal hours are learnt from'),
    minActiveDays: z
      .number()
      .int()
      .min(1)
      .max(60)
      .default(2)
      .describe('a slot is a reading slot when it had reads on at least this many of those days'),
    noReadPeriods: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(3)
      .describe('lpr_no_reads after this many reading-slot periods in a row without a read'),
    pullTimeoutSeconds: z
      .number()
      .int()
      .min(1)
      .max(60)
      .default(10)
      .describe('PullMessages long-poll; the HTTP exchange is cut at this plus 10 s'),
    subscriptionSeconds: z
      .number()
      .int()
      .min(10)
      .max(3600)
      .default(60)
      .describe('subscription lifetime asked for; renewed before it ends'),
    maxResponseBytes: z
      .number()
      .int()
      .min(10_000)
      .max(16_000_000)
      .default(1_000_000)
      .describe('a larger event-service answer is refused (the camera is marked, others are not disturbed)'),
    topicRecheckSeconds: z
      .number()
      .int()
      .min(10)
      .max(86_400)
      .default(3600)
      .describe('a camera without a plate topic is asked again after this'),
  })
  .refine((l) => l.minActiveDays <= l.learnDays, {
    message: 'minActiveDays must not exceed learnDays',
    path: ['minActiveDays'],
  });

export type LprConfig = z.output<typeof lprSection>;
