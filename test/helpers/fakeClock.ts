import type { Clock, TimerHandle } from '../../src/shared/clock.js';

interface Timer {
  readonly id: number;
  at: number;
  readonly every: number | undefined;
  readonly fn: () => void;
}

/**
 * The one fake `Clock` of the suite: time moves only when the test says so. `advance` fires due
 * timers in order; `stepWall` moves the wall clock alone, like an NTP step, leaving the monotonic
 * clock untouched; `sleep` resolves when `advance` passes its end (or rejects on abort).
 */
export class FakeClock implements Clock {
  /**
   * Wall and monotonic both at `ms`. `manual`: timers are kept but never fire and `sleep` resolves
   * at once, for tests that drive a service's `tick()` by hand (a timer-driven tick racing the
   * test's own would make the result depend on promise order).
   */
  static at(ms: number, options: { manual?: boolean } = {}): FakeClock {
    return new FakeClock({ wall: ms, mono: ms, manual: options.manual });
  }

  private wall: number;
  private mono: number;
  private nextId = 1;
  private timers: Timer[] = [];
  private readonly manual: boolean;

  constructor(options: { wall?: number; mono?: number; manual?: boolean | undefined } = {}) {
    this.wall = options.wall ?? Date.UTC(2026, 0, 1, 0, 0, 0);
    this.mono = options.mono ?? 1_000;
    this.manual = options.manual ?? false;
  }

  now(): number {
    return this.wall;
  }

  monotonic(): number {
    return this.mono;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.add(fn, ms, undefined);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    return this.add(fn, ms, Math.max(1, ms));
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.manual) return signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve();
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const handle = this.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        handle.cancel();
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Moves both clocks by `ms`, firing every timer that falls due, each at its own time. */
  advance(ms: number): void {
    const target = this.mono + ms;
    for (; !this.manual; ) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.moveTo(due.at);
      if (due.every === undefined) this.timers = this.timers.filter((t) => t !== due);
      else due.at += due.every;
      due.fn();
    }
    this.moveTo(target);
  }

  /**
   * The event loop was blocked for `ms`: both clocks move and nothing fires meanwhile; then each
   * overdue timer fires once, late, as Node's do (an interval once, and on from now after that).
   */
  block(ms: number): void {
    this.moveTo(this.mono + ms);
    if (this.manual) return;
    const overdue = this.timers.filter((t) => t.at <= this.mono).sort((a, b) => a.at - b.at || a.id - b.id);
    for (const t of overdue) {
      if (!this.timers.includes(t)) continue;
      if (t.every === undefined) this.timers = this.timers.filter((x) => x !== t);
      else t.at = this.mono + t.every;
      t.fn();
    }
  }

  /** Steps the wall clock only (NTP correction, RTC reset); monotonic time does not move. */
  stepWall(ms: number): void {
    this.wall += ms;
  }

  pendingTimers(): number {
    return this.timers.length;
  }

  get activeTimers(): number {
    return this.timers.length;
  }

  private moveTo(mono: number): void {
    this.wall += mono - this.mono;
    this.mono = mono;
  }

  private add(fn: () => void, ms: number, every: number | undefined): TimerHandle {
    const timer: Timer = { id: this.nextId++, at: this.mono + Math.max(0, ms), every, fn };
    this.timers.push(timer);
    return { cancel: () => this.cancelTimer(timer) };
  }

  private cancelTimer(timer: Timer): void {
    this.timers = this.timers.filter((t) => t !== timer);
  }
}
