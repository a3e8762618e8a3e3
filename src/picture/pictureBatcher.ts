import type { Clock, TimerHandle } from '../shared/clock.js';
import type { Slots } from './slots.js';

export interface PictureBatcherDeps {
  readonly clock: Clock;
  /** ffmpeg processes: one batch holds one slot while it runs. */
  readonly slots: Slots;
  /** One ffmpeg run over several pictures: one thumbnail each, in order, or a rejection. */
  readonly reduce: (pictures: readonly Buffer[]) => Promise<readonly Buffer[]>;
  /** Most pictures per ffmpeg run. */
  readonly maxBatch: number;
  /**
   * A batch also runs once its pictures hold this many bytes (the last one may go over): 64
   * sub-stream keyframes are a few MB, 64 of a 4K main stream could be hundreds.
   */
  readonly maxBatchBytes?: number;
  /** Longest a picture waits for others before its batch runs anyway. */
  readonly maxWaitMs: () => number;
  /** The daemon's stop: a batch failed by it is not retried. */
  readonly signal?: AbortSignal;
}

interface Pending {
  readonly picture: Buffer;
  resolve(raw: Buffer): void;
  reject(err: unknown): void;
}

/**
 * Collects coded pictures of cameras sampled about the same time (snapshot JPEGs, or keyframe
 * access units of one codec) and reduces them in one ffmpeg run: starting ffmpeg costs ~0.15–0.2 s
 * of CPU on the NVR box, decoding a small JPEG or sub-stream keyframe a few ms, so 256 cameras at
 * one start each cost about 9 % of a core and in batches under 2 % (bench/picture.ts). A batch that
 * fails (one undecodable picture shifts every thumbnail after it) is retried in halves until the
 * bad picture is alone, so one bad camera cannot fail the others: about 2·log2(n) more starts for
 * one bad picture in n, where one at a time cost n (64 for a batch of keyframes, every interval
 * while the camera stays bad). A batch whose every picture fails (ffmpeg missing or timing out)
 * costs 2n − 1 starts, against n one at a time.
 */
export class PictureBatcher {
  private pending: Pending[] = [];
  private pendingBytes = 0;
  private timer: TimerHandle | undefined;

  constructor(private readonly deps: PictureBatcherDeps) {}

  reduce(picture: Buffer): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      this.pending.push({ picture, resolve, reject });
      this.pendingBytes += picture.length;
      const { maxBatch, maxBatchBytes = Number.POSITIVE_INFINITY } = this.deps;
      if (this.pending.length >= maxBatch || this.pendingBytes >= maxBatchBytes) this.flush();
      else this.timer ??= this.deps.clock.setTimeout(() => this.flush(), this.deps.maxWaitMs());
    });
  }

  private flush(): void {
    this.timer?.cancel();
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    if (batch.length > 0) void this.run(batch);
  }

  private async run(batch: readonly Pending[]): Promise<void> {
    const { slots, reduce } = this.deps;
    try {
      const raws = await slots.run(() => reduce(batch.map((p) => p.picture)));
      // A wrong count fails the whole batch: which picture went missing cannot be told.
      if (raws.length !== batch.length)
        throw new Error(`batch gave ${raws.length} thumbnails for ${batch.length} pictures`);
      // Each waiting check measures its thumbnail and records its verdict once resolved: a batch of
      // 16 resolved at once ran 16 checks in one task, 50-60 ms at 1,024 cameras (#14). One per turn.
      for (const [i, p] of batch.entries()) {
        if (i > 0) await this.deps.clock.sleep(0);
        p.resolve(raws[i] as Buffer);
      }
    } catch (err) {
      // Stopping: retried halves would each start (and kill) an ffmpeg of their own.
      if (batch.length === 1 || this.deps.signal?.aborted) {
        for (const p of batch) p.reject(err);
        return;
      }
      const half = Math.ceil(batch.length / 2);
      void this.run(batch.slice(0, half));
      void this.run(batch.slice(half));
    }
  }
}
