import { type ClockReading, detectClockJump } from '../health/clockJump.js';
import type { Clock } from '../shared/clock.js';
import type { EventBus } from '../shared/events.js';
import type { Log } from '../shared/log.js';
import type { HistoryRepo } from '../store/historyRepo.js';

export interface ClockWatchDeps {
  readonly clock: Clock;
  readonly log: Log;
  readonly bus: EventBus;
  readonly history: HistoryRepo;
  readonly bootId: string;
  /** Runs a store write so that a failure is logged and does not stop health tracking. */
  readonly guard: (what: string, fn: () => unknown) => void;
}

/**
 * Watches the wall clock against the monotonic one on the health tick: an NTP step (or an
 * RTC-less box syncing after boot in 1970) is recorded in the history and told on the bus as
 * `health.clockJump`; durations keep using the monotonic clock (health/clockJump.ts).
 */
export class ClockWatch {
  private last: ClockReading | undefined;
  private count = 0;

  constructor(private readonly deps: ClockWatchDeps) {}

  /** Steps seen since start (the board's `health.clockJumps`). */
  get jumps(): number {
    return this.count;
  }

  /** The first reading: steps are measured from here on. */
  start(): void {
    this.last = this.read();
  }

  /** One reading per health tick. */
  check(): void {
    const { history, bus, bootId, log, guard } = this.deps;
    const reading = this.read();
    const prev = this.last;
    this.last = reading;
    const jump = prev ? detectClockJump(prev, reading) : undefined;
    if (jump === undefined) return;
    this.count += 1;
    log.warn({ jumpMs: jump }, 'wall clock stepped (NTP?); durations use the monotonic clock');
    guard('record clock jump', () => history.recordClockJump(bootId, reading.wall, reading.mono, jump));
    bus.emit('health.clockJump', { jumpMs: jump, at: reading.wall });
  }

  private read(): ClockReading {
    return { wall: this.deps.clock.now(), mono: this.deps.clock.monotonic() };
  }
}
