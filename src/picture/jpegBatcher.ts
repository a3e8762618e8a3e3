import type { Clock, TimerHandle } from '../shared/clock.js';
import type { Slots } from './slots.js';

export interface JpegBatcherDeps {
  readonly clock: Clock;
  /** ffmpeg processes: one batch holds one slot while it runs. */
  readonly slots: Slots;
  /** One ffmpeg run over several JPEGs: one thumbnail each, in order, or a rejection. */
  readonly reduce: (jpegs: readonly Buffer[]) => Promise<readonly Buffer[]>;
  /** Most JPEGs per ffmpeg run. */
  readonly maxBatch: number;
  /** Longest a JPEG waits for others before its batch runs anyway. */
  readonly maxWaitMs: () => number;
}

interface Pending {
  readonly jpeg: Buffer;
  resolve(raw: Buffer): void;
  reject(err: unknown): void;
}

/**
 * Collects snapshot JPEGs of cameras sampled about the same time and reduces them in one ffmpeg
 * run: starting ffmpeg costs ~0.2 s of CPU on the NVR box, decoding a 640×360 JPEG a few ms, so
 * 256 cameras at one start each cost about 9 % of a core and in batches under 2 % (bench/picture.ts).
 * A batch that fails (one undecodable JPEG shifts every thumbnail after it) is retried one JPEG at
 * a time, so one bad camera cannot fail the others.
 */
export class JpegBatcher {
  private pending: Pending[] = [];
  private timer: TimerHandle | undefined;

  constructor(private readonly deps: JpegBatcherDeps) {}

  reduce(jpeg: Buffer): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      this.pending.push({ jpeg, resolve, reject });
      if (this.pending.length >= this.deps.maxBatch) this.flush();
      else this.timer ??= this.deps.clock.setTimeout(() => this.flush(), this.deps.maxWaitMs());
    });
  }

  private flush(): void {
    this.timer?.cancel();
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) void this.run(batch);
  }

  private async run(batch: readonly Pending[]): Promise<void> {
    const { slots, reduce } = this.deps;
    try {
      const raws = await slots.run(() => reduce(batch.map((p) => p.jpeg)));
      batch.forEach((p, i) => {
        const raw = raws[i];
        if (raw) p.resolve(raw);
        else p.reject(new Error(`batch gave ${raws.length} thumbnails for ${batch.length} pictures`));
      });
    } catch (err) {
      if (batch.length === 1) {
        batch[0]?.reject(err);
        return;
      }
      for (const p of batch) void this.run([p]);
    }
  }
}
