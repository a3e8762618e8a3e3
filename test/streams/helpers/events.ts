import type { CamgateEvents, EventBus } from '../../../src/shared/events.js';

export type Sample = CamgateEvents['stream.sample'];

/** Records every `stream.sample` and lets a test wait for one that matches. */
export class SampleRecorder {
  readonly samples: Sample[] = [];
  private waiters: Array<() => void> = [];
  private readonly off: () => void;

  constructor(bus: EventBus) {
    this.off = bus.on('stream.sample', (s) => {
      this.samples.push(s);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  async next(match: (s: Sample) => boolean, timeoutMs: number, from = 0): Promise<Sample> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.samples.slice(from).find(match);
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
}
