import type { Clock, TimerHandle } from '../shared/clock.js';

/**
 * One shared periodic tick for many sessions (stall checks, keepalives, once-a-second samples):
 * 256 cameras cost one timer, not one per camera or per packet. Runs only while someone listens.
 */
export class Ticker {
  private readonly listeners = new Set<(nowMs: number) => void>();
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    readonly periodMs: number,
    /** A throwing listener must not stop the others (or escape into the timer as a crash). */
    private readonly onError: (err: unknown) => void = (err) => {
      throw err;
    },
    /**
     * Runs each tick (all listeners, synchronously): the daemon passes its store's batch, so what
     * one tick finds (1,024 stalls at once) is committed together, not with 1,024 fsyncs (#14).
     */
    private readonly around: (fire: () => void) => void = (fire) => fire(),
  ) {}

  add(fn: (nowMs: number) => void): () => void {
    this.listeners.add(fn);
    this.timer ??= this.clock.setInterval(() => this.around(() => this.fire()), this.periodMs);
    return () => {
      this.listeners.delete(fn);
      if (this.listeners.size === 0) {
        this.timer?.cancel();
        this.timer = undefined;
      }
    };
  }

  private fire(): void {
    const now = this.clock.monotonic();
    for (const fn of [...this.listeners]) {
      try {
        fn(now);
      } catch (err) {
        this.onError(err);
      }
    }
  }
}
