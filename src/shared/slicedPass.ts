import type { Clock } from './clock.js';

export interface SlicedPassOptions {
  /** A slice ends once it has run this long (checked after each item). */
  readonly budgetMs: number;
  /** Runs each slice (the daemon passes its store's batch: one commit per slice). */
  readonly around?: (fire: () => void) => void;
  /** An item that throws must not stop the pass (nor escape into a timer as a crash). */
  readonly onError: (err: unknown) => void;
}

/**
 * One periodic pass over many items (every camera's stall check, every camera's health tick) cut
 * into slices of at most `budgetMs`, with a 0 ms timer between them so sockets, the control API
 * and MQTT run in between: 1,024 cameras sampled in one task blocked the event loop for 370 ms
 * during a broker reconnect (#14). `nowMs` is read at the start of each slice. A pass started while
 * the previous one is still running is skipped: each item runs at most once per pass.
 */
export class SlicedPass<T> {
  private running = false;
  private cancelNext: (() => void) | undefined;
  /** Passes skipped because the previous one had not finished (the work outgrew the period). */
  skipped = 0;

  constructor(
    private readonly clock: Clock,
    private readonly options: SlicedPassOptions,
  ) {}

  get busy(): boolean {
    return this.running;
  }

  /** Starts a pass over `items`; `each` is not called for an item that `stillWanted` refuses. */
  run(items: readonly T[], each: (item: T, nowMs: number) => void, stillWanted?: (item: T) => boolean): void {
    if (this.running) {
      this.skipped += 1;
      return;
    }
    this.running = true;
    this.slice(items, 0, each, stillWanted);
  }

  /** Drops the rest of a running pass (the owner stops). */
  cancel(): void {
    this.cancelNext?.();
    this.cancelNext = undefined;
    this.running = false;
  }

  private slice(
    items: readonly T[],
    from: number,
    each: (item: T, nowMs: number) => void,
    stillWanted: ((item: T) => boolean) | undefined,
  ): void {
    let next = from;
    const fire = (): void => {
      const started = this.clock.monotonic();
      while (next < items.length) {
        const item = items[next++] as T;
        if (stillWanted && !stillWanted(item)) continue;
        try {
          each(item, started);
        } catch (err) {
          this.options.onError(err);
        }
        if (this.clock.monotonic() - started >= this.options.budgetMs) break;
      }
    };
    this.cancelNext = undefined;
    try {
      const around = this.options.around;
      if (around) around(fire);
      else fire();
    } catch (err) {
      // `around` failed (a commit): reported, and the pass goes on with the next slice.
      this.options.onError(err);
    } finally {
      // Also when onError rethrows: the rest of the pass still runs, in the next slice.
      if (next < items.length && this.running) {
        const timer = this.clock.setTimeout(() => this.slice(items, next, each, stillWanted), 0);
        this.cancelNext = () => timer.cancel();
      } else this.running = false;
    }
  }
}
