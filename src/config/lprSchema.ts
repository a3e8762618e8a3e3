import { z } from 'zod';

/**
 * The `lpr` section (issue #17 item 3): the licence-plate read rate of LPR cameras through their
 * ONVIF event service. Periods are an hour and a day by default; `periodSeconds` ×
 * `periodsPerDay` must make a day (86400 s), except for test rigs with periods of 60 s or less
 * (the verdict is the same arithmetic).
 */
const DAY_SECONDS = 86_400;
/** Longer periods are real ones: `periodsPerDay` of them must make a day. */
const MAX_TEST_PERIOD_SECONDS = 60;

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
      .describe(
        'periods in one daily cycle: the hours in which a camera normally reads are learnt per slot; periodSeconds × periodsPerDay must be 86400 (periods of 60 s or less: test rigs, any cycle)',
      ),
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
  })
  // The reading hours are learnt per slot of a day: 1800 s periods with the default 24 slots
  // learnt a 12-hour "day". Periods of a minute or less are test and demo rigs (the simulator
  // end-to-end test runs 2 s periods, one a "day"): their cycle may be shorter than a day.
  .refine(
    (l) => l.periodSeconds <= MAX_TEST_PERIOD_SECONDS || l.periodSeconds * l.periodsPerDay === DAY_SECONDS,
    {
      message: `periodSeconds × periodsPerDay must be ${DAY_SECONDS} (a day) unless periodSeconds is at most ${MAX_TEST_PERIOD_SECONDS} (a test rig)`,
      path: ['periodsPerDay'],
    },
  );

export type LprConfig = z.output<typeof lprSection>;
