import type { Clock, TimerHandle } from '../../src/shared/clock.js';

/** A Clock whose time moves only when the test says so; timers never fire (tests call tick()). */
export class ManualClock implements Clock {
  constructor(private ms: number) {}
  now(): number {
    return this.ms;
  }
  monotonic(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  setTimeout(): TimerHandle {
    return { cancel: () => undefined };
  }
  setInterval(): TimerHandle {
    return { cancel: () => undefined };
  }
  sleep(): Promise<void> {
    return Promise.resolve();
  }
}
