/**
 * The read-rate verdict of one LPR camera, pure. Reads are counted per period (an hour by default,
 * `lpr.periodSeconds`); a period is only counted ("observed") when a plate was read in it or the
 * camera's event subscription was up for at least 80% of it (watchedTime.ts), so an unreachable
 * camera is never taken for one that reads nothing.
 *
 * Normal hours are learnt from the camera itself: period slot k of the day (`periodsPerDay`) is a
 * reading slot when the camera read at least one plate in it on at least `minActiveDays` of the
 * last `learnDays` days before its last read. A gate that sees no car at 03:00 is therefore not an
 * alarm at 03:00. `lpr_no_reads` holds when the last `noReadPeriods` observed reading-slot periods
 * all had zero reads; the first read clears it.
 */

export interface ReadRateRules {
  readonly periodMs: number;
  readonly periodsPerDay: number;
  readonly learnDays: number;
  readonly minActiveDays: number;
  readonly noReadPeriods: number;
}

/** One observed period: `start` is a multiple of `periodMs` (epoch ms). */
export interface ReadPeriod {
  readonly start: number;
  readonly reads: number;
}

export type ReadRateStatus = 'ok' | 'no_reads' | 'learning';

export interface ReadRateVerdict {
  readonly status: ReadRateStatus;
  /** Reads in the last complete period (the MQTT `readsLastHour` at the default period). */
  readonly readsLastPeriod: number;
  /** Observed reading-slot periods with no read since the last read. */
  readonly silentPeriods: number;
  /** Slots of the day (0..periodsPerDay-1) learnt as reading slots. */
  readonly readingSlots: readonly number[];
  /** Wall ms of the last read we know of (start of its period when only the count is stored). */
  readonly lastReadPeriod?: number;
  /**
   * While `no_reads`: when it began (the end of the `noReadPeriods`-th silent reading-slot period),
   * from the stored periods, so a daemon restart or a re-subscription does not move it.
   */
  readonly noReadsSince?: number;
}

export function periodStart(ms: number, rules: Pick<ReadRateRules, 'periodMs'>): number {
  return Math.floor(ms / rules.periodMs) * rules.periodMs;
}

export function slotOf(start: number, rules: Pick<ReadRateRules, 'periodMs' | 'periodsPerDay'>): number {
  return Math.floor(start / rules.periodMs) % rules.periodsPerDay;
}

/**
 * `periods` are the observed periods (any order, at most one per start), the current one included;
 * `now` decides which are complete. The current period only counts once it is complete, except
 * that a read in it is evidence at once (it clears the alarm).
 */
export function readRateVerdict(
  periods: readonly ReadPeriod[],
  now: number,
  rules: ReadRateRules,
): ReadRateVerdict {
  const current = periodStart(now, rules);
  const sorted = [...periods].sort((a, b) => a.start - b.start);
  const complete = sorted.filter((p) => p.start < current);
  const readsLastPeriod = complete.find((p) => p.start === current - rules.periodMs)?.reads ?? 0;
  const lastRead = [...sorted].reverse().find((p) => p.reads > 0);
  const readingSlots = lastRead ? learnSlots(sorted, lastRead.start, rules) : [];
  const base = { readsLastPeriod, readingSlots, lastReadPeriod: lastRead?.start };
  if (!lastRead || readingSlots.length === 0) return { status: 'learning', silentPeriods: 0, ...base };
  const slots = new Set(readingSlots);
  const silent = complete.filter(
    (p) => p.start > lastRead.start && p.reads === 0 && slots.has(slotOf(p.start, rules)),
  );
  const raisedBy = silent[rules.noReadPeriods - 1];
  if (!raisedBy) return { status: 'ok', silentPeriods: silent.length, ...base };
  return {
    status: 'no_reads',
    silentPeriods: silent.length,
    noReadsSince: raisedBy.start + rules.periodMs,
    ...base,
  };
}

/** Slots with a read on at least `minActiveDays` distinct days of the `learnDays` up to `until`. */
function learnSlots(sorted: readonly ReadPeriod[], until: number, rules: ReadRateRules): number[] {
  const dayMs = rules.periodMs * rules.periodsPerDay;
  const from = until - rules.learnDays * dayMs;
  const days = new Map<number, Set<number>>();
  for (const p of sorted) {
    if (p.start <= from || p.start > until || p.reads === 0) continue;
    const slot = slotOf(p.start, rules);
    const seen = days.get(slot) ?? new Set<number>();
    seen.add(Math.floor(p.start / dayMs));
    days.set(slot, seen);
  }
  return [...days]
    .filter(([, d]) => d.size >= rules.minActiveDays)
    .map(([slot]) => slot)
    .sort((a, b) => a - b);
}

/** How far back the verdict needs history: the learning window before a last read long ago is kept too. */
export function historyMs(rules: ReadRateRules): number {
  return (rules.learnDays + 1) * rules.periodMs * rules.periodsPerDay;
}

/**
 * The oldest period start worth keeping: four learning windows back, and never past the learning
 * window of the last read. Without the latter a camera silent for longer than the kept span lost
 * its last read and its learnt hours, fell back to `learning` and its alarm cleared by itself.
 */
export function keepFrom(periods: Iterable<ReadPeriod>, now: number, rules: ReadRateRules): number {
  let lastRead: number | undefined;
  for (const p of periods)
    if (p.reads > 0 && (lastRead === undefined || p.start > lastRead)) lastRead = p.start;
  const span = now - 4 * historyMs(rules);
  return lastRead === undefined ? span : Math.min(span, lastRead - historyMs(rules));
}
