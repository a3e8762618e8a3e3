import { describe, expect, it } from 'vitest';
import {
  historyMs,
  keepFrom,
  type ReadPeriod,
  type ReadRateRules,
  readRateVerdict,
} from '../../src/lpr/readRate.js';

const H = 3_600_000;
const DAY = 24 * H;
const rules: ReadRateRules = {
  periodMs: H,
  periodsPerDay: 24,
  learnDays: 7,
  minActiveDays: 2,
  noReadPeriods: 3,
};
/** Midnight UTC of some day: slot k of day d starts at T0 + d·DAY + k·H. */
const T0 = Date.UTC(2026, 11, 1);
const at = (day: number, hour: number) => T0 + day * DAY + hour * H;

/** A gate that reads 20 plates an hour from 07:00 to 19:00 and is observed around the clock. */
function gate(days: number, lastDayHours = 24): ReadPeriod[] {
  const out: ReadPeriod[] = [];
  for (let d = 0; d < days; d++) {
    const hours = d === days - 1 ? lastDayHours : 24;
    for (let h = 0; h < hours; h++) out.push({ start: at(d, h), reads: h >= 7 && h < 19 ? 20 : 0 });
  }
  return out;
}

describe('readRateVerdict', () => {
  it('a new camera is learning until a slot has reads on minActiveDays days', () => {
    const v = readRateVerdict(gate(1, 12), at(0, 12), rules);
    expect(v.status).toBe('learning');
    expect(readRateVerdict(gate(2, 12), at(1, 12), rules).status).toBe('ok');
  });

  it('learns 07:00-19:00 as the reading hours; the quiet night is no alarm', () => {
    const v = readRateVerdict(gate(3), at(3, 6), rules);
    expect(v.readingSlots).toEqual([7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]);
    expect(v.status).toBe('ok');
    expect(v.silentPeriods).toBe(0);
    expect(v.readsLastPeriod).toBe(0);
  });

  it('no reads for noReadPeriods reading hours raises no_reads; fewer does not', () => {
    const stopped = [...gate(3), ...[7, 8].map((h) => ({ start: at(3, h), reads: 0 }))];
    expect(readRateVerdict(stopped, at(3, 9), rules)).toMatchObject({ status: 'ok', silentPeriods: 2 });
    stopped.push({ start: at(3, 9), reads: 0 });
    // 09:00 is still in progress: not yet complete, not yet counted.
    expect(readRateVerdict(stopped, at(3, 9) + 1000, rules).status).toBe('ok');
    expect(readRateVerdict(stopped, at(3, 10), rules)).toMatchObject({
      status: 'no_reads',
      silentPeriods: 3,
      noReadsSince: at(3, 10),
    });
    // Later silent hours do not move when it began (a restart recomputes the same since).
    stopped.push({ start: at(3, 10), reads: 0 });
    expect(readRateVerdict(stopped, at(3, 11), rules).noReadsSince).toBe(at(3, 10));
  });

  it('night hours in between neither count nor reset the silence', () => {
    const periods = [...gate(3, 17), { start: at(2, 17), reads: 0 }, { start: at(2, 18), reads: 0 }];
    for (let h = 19; h < 24; h++) periods.push({ start: at(2, h), reads: 0 });
    for (let h = 0; h < 8; h++) periods.push({ start: at(3, h), reads: 0 });
    const v = readRateVerdict(periods, at(3, 8), rules);
    expect(v.silentPeriods).toBe(3);
    expect(v.status).toBe('no_reads');
  });

  it('unobserved periods (camera unreachable, daemon down) are not silence', () => {
    const periods = gate(3, 7);
    // 07:00 to 12:00 of day 2 never observed.
    expect(readRateVerdict(periods, at(2, 12), rules).status).toBe('ok');
  });

  it('one read clears it at once, in the period still in progress', () => {
    const periods = [...gate(3), ...[7, 8, 9].map((h) => ({ start: at(3, h), reads: 0 }))];
    expect(readRateVerdict(periods, at(3, 10) + 5, rules).status).toBe('no_reads');
    periods.push({ start: at(3, 10), reads: 1 });
    expect(readRateVerdict(periods, at(3, 10) + 10, rules)).toMatchObject({ status: 'ok', silentPeriods: 0 });
  });

  it('short periods (tests, pilots): 2 s periods, one slot per day, learnt after two active periods', () => {
    const r: ReadRateRules = {
      periodMs: 2000,
      periodsPerDay: 1,
      learnDays: 10,
      minActiveDays: 2,
      noReadPeriods: 2,
    };
    const base = 1_000_000 * 2000;
    const p = [
      { start: base, reads: 3 },
      { start: base + 2000, reads: 2 },
      { start: base + 4000, reads: 0 },
      { start: base + 6000, reads: 0 },
    ];
    expect(readRateVerdict(p.slice(0, 3), base + 6000, r).status).toBe('ok');
    expect(readRateVerdict(p, base + 8000, r)).toMatchObject({ status: 'no_reads', readsLastPeriod: 0 });
  });

  it('review #3: keepFrom never drops the last read nor the hours learnt before it', () => {
    const periods = [
      ...gate(3),
      ...Array.from({ length: 60 * 24 }, (_, i) => ({ start: at(3, 0) + i * H, reads: 0 })),
    ];
    const now = at(63, 0);
    const from = keepFrom(periods, now, rules);
    expect(from).toBeLessThanOrEqual(at(2, 18) - historyMs(rules));
    const kept = periods.filter((p) => p.start >= from);
    expect(readRateVerdict(kept, now, rules)).toMatchObject({
      status: 'no_reads',
      lastReadPeriod: at(2, 18),
    });
    // A camera that never read keeps only the usual span.
    expect(keepFrom([{ start: at(0, 1), reads: 0 }], now, rules)).toBe(now - 4 * historyMs(rules));
  });
});
