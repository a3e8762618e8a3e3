import type { CamgateEvents, EventBus } from '../../../src/shared/events.js';

export type Sample = CamgateEvents['stream.sample'];

/** Records every `stream.sample` and lets a test wait for one that matches. */
export class SampleRecorder {
  readonly samples: Sample[] = [];
  private waiters: Array<() => void> = [];
  private failure: Error | undefined;
  private readonly off: () => void;

  constructor(bus: EventBus) {
    this.off = bus.on('stream.sample', (s) => {
      this.samples.push(s);
      this.wake();
    });
  }

  /**
   * Makes every pending and later `next` reject with `reason` once it resolves: a peer that died
   * (e.g. `GstServer.died`) fails the wait at once with its own report instead of a timeout.
   */
  failOn(reason: Promise<Error>): void {
    void reason.then((err) => {
      this.failure ??= err;
      this.wake();
    });
  }

  async next(match: (s: Sample) => boolean, timeoutMs: number, from = 0): Promise<Sample> {
    return this.waitFor(() => this.samples.slice(from).find(match), timeoutMs);
  }

  /** Waits until `n` samples (from the start) match; resolves with the n-th. */
  async nth(match: (s: Sample) => boolean, n: number, timeoutMs: number): Promise<Sample> {
    return this.waitFor(() => this.samples.filter(match)[n - 1], timeoutMs);
  }

  private async waitFor(pick: () => Sample | undefined, timeoutMs: number): Promise<Sample> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.failure) throw this.failure;
      const found = pick();
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.samples.map((s) => `${s.cameraId}:${s.kind}:${s.detail ?? ''}`).join(', ');
        throw new Error(`no matching sample within ${timeoutMs} ms; seen: ${seen}`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.off();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
