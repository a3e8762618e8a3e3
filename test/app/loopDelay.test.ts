import { describe, expect, it } from 'vitest';
import { LoopDelayMonitor } from '../../src/app/loopDelay.js';
import { StatusBoard } from '../../src/app/statusBoard.js';
import type { Clock } from '../../src/shared/clock.js';
import { FakeClock } from '../helpers/fakeClock.js';

interface EventLoopSection {
  maxMs: number;
  perSecond: { maxMs: number; p99Ms: number }[];
}

describe('LoopDelayMonitor (status --json eventLoop, #14)', () => {
  it('reports a second whose roll came seconds late as a block of that length, p99 included', async () => {
    const fake = new FakeClock({ wall: 1_700_000_000_000, mono: 0 });
    let starved = 0;
    // The roll timer fires on FakeClock's schedule; monotonic time also counts the time the
    // process was blocked or not scheduled at all (on a box at load 40).
    const clock: Clock = {
      now: () => fake.now() + starved,
      monotonic: () => fake.monotonic() + starved,
      setTimeout: (fn, ms) => fake.setTimeout(fn, ms),
      setInterval: (fn, ms) => fake.setInterval(fn, ms),
      sleep: (ms, signal) => fake.sleep(ms, signal),
    };
    const board = new StatusBoard();
    const monitor = new LoopDelayMonitor({ clock, board });
    await monitor.start();
    try {
      fake.advance(1000);
      starved = 6000;
      fake.advance(1000);
      const loop = board.sectionsSnapshot().eventLoop as EventLoopSection;
      expect(loop.perSecond).toHaveLength(2);
      expect(loop.perSecond[1]?.maxMs).toBeGreaterThanOrEqual(6000);
      expect(loop.perSecond[1]?.p99Ms).toBeGreaterThanOrEqual(6000);
      expect(loop.maxMs).toBeGreaterThanOrEqual(6000);
      expect(loop.perSecond[0]?.maxMs).toBeLessThan(6000);
    } finally {
      await monitor.stop();
    }
  });
});
