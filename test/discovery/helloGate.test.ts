import { describe, expect, it } from 'vitest';
import { HelloGate } from '../../src/discovery/helloGate.js';

const gate = () => new HelloGate({ perSourceMs: 600_000, globalPerMinute: 20, maxInFlight: 4 });

describe('HelloGate (pure)', () => {
  it('one interrogation per source per period, deduped while in flight', () => {
    const g = gate();
    expect(g.admit('10.0.0.5', 'a', 0)).toBe('admit');
    expect(g.admit('10.0.0.5', 'a', 10)).toBe('in_flight');
    g.done('a');
    expect(g.admit('10.0.0.5', 'a', 1000)).toBe('source_limited');
    expect(g.admit('10.0.0.5', 'b', 599_999)).toBe('source_limited');
    expect(g.admit('10.0.0.5', 'b', 600_000)).toBe('admit');
  });

  it('10,000 Hellos from 500 sources within a minute admit at most the global limit, 4 at once', () => {
    const g = gate();
    let admitted = 0;
    for (let i = 0; i < 10_000; i += 1) {
      const key = `10.1.${Math.floor((i % 500) / 250)}.${i % 250}`;
      if (g.admit(key, key, i * 5) === 'admit') {
        admitted += 1;
        // Interrogations finish quickly, so the in-flight bound is not what holds them back here.
        g.done(key);
      }
    }
    expect(admitted).toBe(20);
    expect(g.stats()).toMatchObject({ admit: 20 });
    expect(g.stats().source_limited + g.stats().global_limited).toBe(9980);
  });

  it('no more than maxInFlight at once', () => {
    const g = gate();
    for (let i = 0; i < 4; i += 1) expect(g.admit(`s${i}`, `k${i}`, i)).toBe('admit');
    expect(g.admit('s9', 'k9', 10)).toBe('busy');
    g.done('k0');
    expect(g.admit('s9', 'k9', 11)).toBe('admit');
  });
});
