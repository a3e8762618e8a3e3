import { describe, expect, it } from 'vitest';
import { ReconnectPolicy, STABLE_SESSION_MS } from '../../src/uplink/reconnectPolicy.js';

/** mulberry32: a seeded generator, so the distribution checks cannot flake. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const W = 30_000;
const CAP = 60_000;

describe('ReconnectPolicy (pure)', () => {
  it('start-up and unstable sessions: full-jitter exponential from 500 ms, capped, no window wait', () => {
    const p = new ReconnectPolicy({ windowMs: W, capMs: CAP, random: () => 0.999 });
    const delays = Array.from({ length: 9 }, () => p.nextDelayMs());
    expect(delays).toEqual([500, 999, 1998, 3996, 7992, 15984, 31968, 59940, 59940]);
    // A session that lasted 5 s (a broker accepting and dropping us) does not reset the backoff.
    p.closed(5000);
    expect(p.nextDelayMs()).toBe(59940);
    const low = new ReconnectPolicy({ windowMs: W, capMs: CAP, random: () => 0 });
    expect(low.nextDelayMs()).toBe(0);
  });

  it('after a stable session drops: the first retry is uniform over the window, later ones double up to the cap', () => {
    const hi = new ReconnectPolicy({ windowMs: W, capMs: CAP, random: () => 0.999 });
    hi.nextDelayMs();
    hi.closed(STABLE_SESSION_MS);
    expect([hi.nextDelayMs(), hi.nextDelayMs(), hi.nextDelayMs()]).toEqual([29970, 59940, 59940]);
  });

  // Regression: every gateway reset to 500 ms ± 50 % and 2,000 of them hit a restarted broker
  // within a quarter second.
  it('2,000 gateways dropped at the same instant: no second of the window gets more than 5 %', () => {
    const random = seeded(13);
    const perSecond = new Array<number>(W / 1000).fill(0);
    for (let g = 0; g < 2000; g += 1) {
      const p = new ReconnectPolicy({ windowMs: W, capMs: CAP, random });
      p.closed(3_600_000);
      const at = p.nextDelayMs();
      const second = Math.min(perSecond.length - 1, Math.floor(at / 1000));
      perSecond[second] = (perSecond[second] ?? 0) + 1;
    }
    expect(Math.max(...perSecond)).toBeLessThanOrEqual(100);
    expect(Math.min(...perSecond)).toBeGreaterThan(30);
  });
});
