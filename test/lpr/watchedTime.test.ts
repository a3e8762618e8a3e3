import { describe, expect, it } from 'vitest';
import { addWatched } from '../../src/lpr/watchedTime.js';

const rules = { periodMs: 3_600_000 };
const H = 3_600_000;
const T0 = Date.UTC(2026, 11, 5);

describe('addWatched (review #5)', () => {
  it('one pull after 59 minutes of failures does not make the hour observed; 48 minutes up does', () => {
    const w = new Map<number, number>();
    expect(addWatched(w, T0 + 59 * 60_000, T0 + H - 1000, rules)).toEqual([]);
    const v = new Map<number, number>();
    expect(addWatched(v, T0, T0 + 47 * 60_000, rules)).toEqual([]);
    expect(addWatched(v, T0 + 47 * 60_000, T0 + 48 * 60_000, rules)).toEqual([T0]);
  });

  it('a span across a period boundary is split; ended periods are forgotten', () => {
    const w = new Map<number, number>();
    expect(addWatched(w, T0 + 0.5 * H, T0 + 2.9 * H, rules)).toEqual([T0 + H, T0 + 2 * H]);
    expect([...w.keys()]).toEqual([T0 + 2 * H]);
  });
});
