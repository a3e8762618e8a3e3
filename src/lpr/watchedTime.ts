import { periodStart, type ReadRateRules } from './readRate.js';

/** A period without reads counts as observed (silent) only when the subscription was up this much of it. */
export const OBSERVED_SHARE = 0.8;

/**
 * Pure: adds the span `from`..`to` (wall ms, the subscription up throughout) to the watched time of
 * the periods it covers, and returns the starts of those that have now been watched for
 * OBSERVED_SHARE of their length. Entries of periods before `to`'s are dropped: they can gain no
 * more. A period mostly lost to failures is therefore never taken for silence (docs/lpr.md).
 */
export function addWatched(
  watchedMs: Map<number, number>,
  from: number,
  to: number,
  rules: Pick<ReadRateRules, 'periodMs'>,
): number[] {
  const full: number[] = [];
  for (let t = from; t < to; ) {
    const start = periodStart(t, rules);
    const end = Math.min(to, start + rules.periodMs);
    const watched = (watchedMs.get(start) ?? 0) + (end - t);
    watchedMs.set(start, watched);
    if (watched >= OBSERVED_SHARE * rules.periodMs) full.push(start);
    t = end;
  }
  const current = periodStart(to, rules);
  for (const start of watchedMs.keys()) if (start < current) watchedMs.delete(start);
  return full;
}
