import type { Clock } from '../shared/clock.js';

/** Cameras published per task: ~128 payloads (stringify + one MQTT packet each) stay well under 50 ms. */
export const STATE_SLICE = 128;

/**
 * Publishes every camera's retained state in slices, yielding to the event loop between them: a
 * broker reconnect with 1,024 cameras published them all in one task and blocked RTSP reads and
 * stall checks for over a second (#14). Each camera's row is read when its turn comes, never from
 * a copy taken at the start: a camera that changed meanwhile was already published by its own
 * change, and an older copy must not overwrite that retained state. A newer run supersedes an
 * older one (generation), which then stops at its next slice.
 */
export class StatePublisher {
  private generation = 0;

  constructor(
    private readonly deps: {
      readonly clock: Clock;
      /** Camera ids in order, read once per run. */
      readonly ids: () => readonly string[];
      /** Publishes one camera's current row (nothing when it has none any more). */
      readonly publishOne: (cameraId: string) => void;
    },
  ) {}

  /** Resolves when this run published every camera (or a newer run took over). */
  async publishAll(): Promise<boolean> {
    const gen = ++this.generation;
    const ids = this.deps.ids();
    for (let i = 0; i < ids.length; i += STATE_SLICE) {
      if (i > 0) await this.deps.clock.sleep(0);
      if (gen !== this.generation) return false;
      for (const id of ids.slice(i, i + STATE_SLICE)) this.deps.publishOne(id);
    }
    return gen === this.generation;
  }
}
