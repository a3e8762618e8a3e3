/**
 * A counting semaphore for ffmpeg processes (issue #17: at most one at a time per 64 cameras).
 * The limit follows the camera count; holders above a lowered limit finish first.
 */
export class Slots {
  private used = 0;
  private peak = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private max: number) {}

  setLimit(limit: number): void {
    this.max = Math.max(1, limit);
    this.wake();
  }

  get limit(): number {
    return this.max;
  }

  /** The most slots ever held at once. */
  get peakUsed(): number {
    return this.peak;
  }

  /** Runs `fn` holding one slot. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    // A released slot is handed straight to the next waiter (`used` stays), so none is lost.
    if (this.used < this.max) this.used += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.peak = Math.max(this.peak, this.used);
    try {
      return await fn();
    } finally {
      const next = this.used <= this.max ? this.waiting.shift() : undefined;
      if (next) next();
      else this.used -= 1;
    }
  }

  private wake(): void {
    while (this.used < this.max) {
      const next = this.waiting.shift();
      if (!next) return;
      this.used += 1;
      next();
    }
  }
}
