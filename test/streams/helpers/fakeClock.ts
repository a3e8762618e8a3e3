import type { Clock, TimerHandle } from '../../../src/shared/clock.js';

interface Timer {
  at: number;
  every?: number;
  fn: () => void;
  cancelled: boolean;
}

/** A Clock driven by `advance(ms)`; timers fire in time order. For pure logic only. */
export class FakeClock implements Clock {
  private t = 0;
  private readonly timers: Timer[] = [];

  now(): number {
    return 1_700_000_000_000 + this.t;
  }

  monotonic(): number {
    return this.t;
  }

  get activeTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.add({ at: this.t + ms, fn, cancelled: false });
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    return this.add({ at: this.t + ms, every: ms, fn, cancelled: false });
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const handle = this.setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => {
        handle.cancel();
        reject(signal.reason);
      });
    });
  }

  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = this.timers.filter((t) => !t.cancelled && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.t = next.at;
      if (next.every !== undefined) next.at += next.every;
      else next.cancelled = true;
      next.fn();
    }
    this.t = end;
  }

  private add(timer: Timer): TimerHandle {
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }
}
