import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { type Clock, isoTs, type TimerHandle } from '../shared/clock.js';
import type { Service } from '../shared/service.js';
import type { StatusBoard } from './statusBoard.js';

/** Sampling timer of the histogram: coarse on purpose, a block worth reporting is ≥ 50 ms (#14). */
const RESOLUTION_MS = 20;
const SECONDS_KEPT = 120;
const ROLL_MS = 1000;

/**
 * A block from one histogram sample. Node's histogram records the whole time between two of its
 * timer callbacks (nanoseconds), the sampling interval included: an idle loop reads
 * `RESOLUTION_MS` (test/app/loopDelay.test.ts checks this of Node). A block that begins φ after a
 * callback (0 ≤ φ < the interval) ends a sample of φ + block, so the sample less the interval is a
 * lower bound and the sample an upper bound: the block lies in [blockMs, blockMs + resolution).
 * A finer resolution would narrow that, at a wakeup per interval (20 ms: ~0.4 % of a core here).
 */
export function blockMs(sampleNs: number, resolutionMs: number): number {
  return Math.max(0, Math.round(sampleNs / 1e6 - resolutionMs));
}

export interface LoopDelaySecond {
  readonly at: string;
  readonly maxMs: number;
  /** 99th percentile of the loop delay samples in that second. */
  readonly p99Ms: number;
}

/**
 * How long the event loop was blocked, per second, for the last two minutes: the `eventLoop`
 * section of `camgate status --json`. Issue #14 asks that publishing 1,024 camera states after a
 * broker reconnect never blocks the loop for more than 50 ms; this is how the bench (and an
 * operator) sees it on the shipped daemon instead of a debug build.
 */
export class LoopDelayMonitor implements Service {
  readonly name = 'loopDelay';
  private histogram: IntervalHistogram | undefined;
  private timer: TimerHandle | undefined;
  private readonly seconds: LoopDelaySecond[] = [];
  private lastRollAt = 0;

  constructor(private readonly deps: { readonly clock: Clock; readonly board: StatusBoard }) {}

  async start(): Promise<void> {
    const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    histogram.enable();
    this.histogram = histogram;
    this.lastRollAt = this.deps.clock.monotonic();
    this.timer = this.deps.clock.setInterval(() => this.roll(histogram), ROLL_MS);
    this.deps.board.section('eventLoop', () => ({
      resolutionMs: RESOLUTION_MS,
      maxMs: Math.max(0, ...this.seconds.map((s) => s.maxMs)),
      perSecond: this.seconds,
    }));
  }

  async stop(): Promise<void> {
    this.timer?.cancel();
    this.histogram?.disable();
  }

  private roll(histogram: IntervalHistogram): void {
    // The histogram's samples hold the sampling interval too (`blockMs`); 0 samples → max 0.
    // This roll's own lateness counts too: a process starved of CPU or blocked for seconds (seen at
    // 1,024 cameras on a loaded box: rolls 5-7 s apart) left the histogram with no sample at all.
    const now = this.deps.clock.monotonic();
    const lateMs = Math.max(0, Math.round(now - this.lastRollAt - ROLL_MS));
    this.lastRollAt = now;
    const sampled = histogram.count > 0;
    const maxMs = Math.max(lateMs, sampled ? blockMs(histogram.max, RESOLUTION_MS) : 0);
    const p99Ms = Math.max(lateMs, sampled ? blockMs(histogram.percentile(99), RESOLUTION_MS) : 0);
    histogram.reset();
    this.seconds.push({ at: isoTs(this.deps.clock.now()), maxMs, p99Ms });
    if (this.seconds.length > SECONDS_KEPT) this.seconds.shift();
  }
}
