import type { Clock, TimerHandle } from '../shared/clock.js';
import { SlicedPass } from '../shared/slicedPass.js';

type Listener = (nowMs: number) => void;

/** Longest run of listeners in one task: the event loop must not block > 50 ms at 1,024 cameras (#14). */
const SLICE_MS = 8;

/**
 * One shared periodic tick for many sessions (stall checks, keepalives, once-a-second samples):
 * 256 cameras cost one timer, not one per camera or per packet. Runs only while someone listens.
 * Each tick calls the listeners in slices of at most SLICE_MS (SlicedPass); a listener removed
 * during a tick is not called after its removal.
 */
export class Ticker {
  private readonly listeners = new Set<Listener>();
  private timer: TimerHandle | undefined;
  private readonly pass: SlicedPass<Listener>;

  constructor(
    private readonly clock: Clock,
    readonly periodMs: number,
    /** A throwing listener must not stop the others (or escape into the timer as a crash). */
    onError: (err: unknown) => void = (err) => {
      throw err;
    },
    /**
     * Runs each slice of a tick: the daemon passes its store's batch, so what one slice finds
     * (hundreds of stalls at once) is committed together, not with one fsync each (#14).
     */
    around?: (fire: () => void) => void,
  ) {
    this.pass = new SlicedPass(clock, { budgetMs: SLICE_MS, around, onError });
  }

  add(fn: Listener): () => void {
    this.listeners.add(fn);
    this.timer ??= this.clock.setInterval(() => this.fire(), this.periodMs);
    return () => {
      this.listeners.delete(fn);
      if (this.listeners.size === 0) {
        this.timer?.cancel();
        this.timer = undefined;
        this.pass.cancel();
      }
    };
  }

  private fire(): void {
    this.pass.run(
      [...this.listeners],
      (fn, now) => fn(now),
      (fn) => this.listeners.has(fn),
    );
  }
}
