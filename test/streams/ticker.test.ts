import { describe, expect, it } from 'vitest';
import { Ticker } from '../../src/streams/ticker.js';
import { FakeClock } from '../helpers/fakeClock.js';

describe('Ticker (one shared timer for every session)', () => {
  it('uses one interval for any number of listeners and drops it when the last one leaves', () => {
    const clock = new FakeClock({ wall: 1_700_000_000_000, mono: 0 });
    const ticker = new Ticker(clock, 250);
    const seen: number[] = [];
    const offs = Array.from({ length: 256 }, (_, i) => ticker.add(() => seen.push(i)));
    expect(clock.activeTimers).toBe(1);
    clock.advance(1000);
    expect(seen).toHaveLength(256 * 4);
    for (const off of offs) off();
    expect(clock.activeTimers).toBe(0);
  });

  it('passes monotonic time and tolerates a listener removing itself during a tick', () => {
    const clock = new FakeClock({ wall: 1_700_000_000_000, mono: 0 });
    const ticker = new Ticker(clock, 100);
    const times: number[] = [];
    const off = ticker.add((now) => {
      times.push(now);
      if (times.length === 3) off();
    });
    clock.advance(1000);
    expect(times).toEqual([100, 200, 300]);
  });
});

describe('Ticker error isolation', () => {
  it('keeps calling the other listeners when one throws, and reports the error', () => {
    const clock = new FakeClock({ wall: 1_700_000_000_000, mono: 0 });
    const errors: unknown[] = [];
    const ticker = new Ticker(clock, 100, (err) => errors.push(err));
    let calls = 0;
    ticker.add(() => {
      throw new Error('boom');
    });
    ticker.add(() => {
      calls += 1;
    });
    clock.advance(300);
    expect(calls).toBe(3);
    expect(errors).toHaveLength(3);
  });
});
