import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { blockMs, LoopDelayMonitor } from '../../src/app/loopDelay.js';
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

  it("counts Node's samples from the end of the sampling interval, not from its start", async () => {
    // What `blockMs` relies on: each sample is the whole time between two timer callbacks, so even
    // an idle loop never records less than the interval. Were Node to change this, the daemon's
    // figures would read 20 ms low, and this fails.
    const histogram = monitorEventLoopDelay({ resolution: 20 });
    histogram.enable();
    await new Promise((resolve) => setTimeout(resolve, 300));
    histogram.disable();
    expect(histogram.count).toBeGreaterThan(0);
    expect(histogram.min / 1e6).toBeGreaterThanOrEqual(19);
  });

  it('takes the sampling interval off a sample: an idle sample is no block, a late one is its lateness', () => {
    expect(blockMs(20_100_000, 20)).toBe(0);
    expect(blockMs(19_000_000, 20)).toBe(0);
    expect(blockMs(70_400_000, 20)).toBe(50);
    expect(blockMs(86_000_000, 20)).toBe(66);
  });
});
