/**
 * A small FIFO of sampling jobs with a concurrency cap (issue #17: at most one ffmpeg at a time per
 * 64 cameras). A job already queued or running is not queued twice, so a slow camera cannot pile
 * up samples of itself.
 */
export class PictureQueue {
  private readonly waiting: { key: string; run: () => Promise<void> }[] = [];
  private readonly busy = new Set<string>();
  private peak = 0;

  constructor(
    private limit: number,
    /** A job that rejects is reported here; its slot is freed either way. */
    private readonly onError: (key: string, err: unknown) => void,
  ) {}

  /** The cap follows the camera count; running jobs above a lowered cap finish. */
  setLimit(limit: number): void {
    this.limit = Math.max(1, limit);
    this.pump();
  }

  /** False when `key` is already queued or running. */
  push(key: string, run: () => Promise<void>): boolean {
    if (this.busy.has(key) || this.waiting.some((j) => j.key === key)) return false;
    this.waiting.push({ key, run });
    this.pump();
    return true;
  }

  /** Drops waiting jobs (the daemon is stopping); running ones end with their abort signal. */
  clear(): void {
    this.waiting.length = 0;
  }

  get running(): number {
    return this.busy.size;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** The most jobs that ever ran at once. */
  get peakRunning(): number {
    return this.peak;
  }

  private pump(): void {
    while (this.busy.size < this.limit) {
      const job = this.waiting.shift();
      if (!job) return;
      this.busy.add(job.key);
      this.peak = Math.max(this.peak, this.busy.size);
      job
        .run()
        .catch((err: unknown) => this.onError(job.key, err))
        .finally(() => {
          this.busy.delete(job.key);
          this.pump();
        });
    }
  }
}
