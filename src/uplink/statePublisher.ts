import type { Clock } from '../shared/clock.js';

/**
 * A slice of the republish ends once it has run this long (checked after each camera), like the
 * stream and health ticks (shared/slicedPass.ts): the event loop must not block > 50 ms (#14).
 */
export const STATE_SLICE_MS = 8;
/** And after this many cameras at most, however fast they went. */
export const STATE_SLICE = 128;
/**
 * A republish takes at most this many slices: each slice publishes at least 1/32 of the cameras,
 * however long they took. The budget is wall time, and on a box starved of CPU (load 20 on 2
 * cores) every slice reached it after one camera: 1,024 turns of a crowded event loop, and the
 * states of a reconnect took 48 s instead of 10 (#14).
 */
export const STATE_MAX_SLICES = 32;

/**
 * Publishes every camera's retained state in slices, yielding to the event loop before the first
 * and between them: a broker reconnect with 1,024 cameras published them all in one task and
 * blocked RTSP reads and stall checks for over a second (#14); 128 per slice still blocked for
 * 165 ms on a quiet box. Each camera's row is read when its turn comes, never from a copy taken at
 * the start: a camera that changed meanwhile was already published by its own change, and an
 * older copy must not overwrite that retained state. A newer run supersedes an older one
 * (generation), which then stops at its next slice. The yield before the first slice ends the
 * task that sent the birth (the CONNACK's), so the republish starts in a task of its own.
 */
export class StatePublisher {
  private generation = 0;
  private latest: Promise<boolean> = Promise.resolve(true);
  /** Slices run by all passes (status and tests: the republish did yield). */
  slices = 0;

  constructor(
    private readonly deps: {
      readonly clock: Clock;
      /** Camera ids in order, read once per run. */
      readonly ids: () => readonly string[];
      /** Publishes one camera's current row (nothing when it has none any more). */
      readonly publishOne: (cameraId: string) => void;
      readonly sliceMs?: number;
    },
  ) {}

  /**
   * Resolves true when this run published every camera; false when a newer run took over, and
   * only once that one has finished too: the session's drain starts after the republish it
   * awaited, and the centre's retained-state message arriving mid-republish starts a newer run
   * (onCentreState), which must not let the backlog's events overtake the states.
   */
  publishAll(): Promise<boolean> {
    const gen = ++this.generation;
    const run = this.run(gen);
    this.latest = run;
    return run;
  }

  private async run(gen: number): Promise<boolean> {
    const { clock } = this.deps;
    const budget = this.deps.sliceMs ?? STATE_SLICE_MS;
    const ids = this.deps.ids();
    const least = Math.ceil(ids.length / STATE_MAX_SLICES);
    let next = 0;
    while (next < ids.length) {
      await clock.sleep(0);
      if (gen !== this.generation) break;
      this.slices += 1;
      const started = clock.monotonic();
      const from = next;
      const end = Math.min(ids.length, next + STATE_SLICE);
      while (next < end) {
        this.deps.publishOne(ids[next++] as string);
        if (next - from >= least && clock.monotonic() - started >= budget) break;
      }
    }
    if (gen === this.generation) return true;
    await this.newestDone();
    return false;
  }

  /** Until the newest run has settled (it may itself be superseded meanwhile). */
  private async newestDone(): Promise<void> {
    let seen: Promise<boolean>;
    do {
      seen = this.latest;
      // Its own caller handles its failure; here it only has to be over.
      await Promise.allSettled([seen]);
    } while (seen !== this.latest);
  }
}
