import { describe, expect, it } from 'vitest';
import { Backoff } from '../../src/shared/backoff.js';

describe('Backoff', () => {
  it('grows exponentially to the cap and resets after success', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0, random: () => 0.5 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    b.reset();
    expect(b.next()).toBe(100);
  });

  it('spreads retries with jitter inside [base*(1-j), base]', () => {
    const low = new Backoff({ initialMs: 1000, maxMs: 10_000, jitter: 0.5, random: () => 0 });
    const high = new Backoff({ initialMs: 1000, maxMs: 10_000, jitter: 0.5, random: () => 0.999 });
    expect(low.next()).toBe(500);
    expect(high.next()).toBe(1000);
  });
});
