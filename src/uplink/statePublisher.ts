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

/** One republish: requested, then run, settled once every camera went out. */
interface Pass {
  readonly done: Promise<void>;
  readonly settle: (run: Promise<void>) => void;
  /** A caller already got `true` for it (publishes the summary once per pass). */
  claimed: boolean;
}

function newPass(): Pass {
  let settle!: (run: Promise<void>) => void;
  const done = new Promise<void>((resolve) => {
    settle = resolve;
  });
  return { done, settle, claimed: false };
}

/**
 * Publishes every camera's retained state in slices, yielding to the event loop before the first
 * and between them: a broker reconnect with 1,024 cameras published them all in one task and
 * blocked RTSP reads and stall checks for over a second (#14); 128 per slice still blocked for
 * 165 ms on a quiet box. Each camera's row is read when its turn comes, never from a copy taken at
 * the start: a camera that changed meanwhile was already published by its own change, and an
 * older copy must not overwrite that retained state. The yield before the first slice ends the
 * task that sent the birth (the CONNACK's), so the republish starts in a task of its own.
 *
 * One pass runs at a time, to its end. Requests made while it runs (the heartbeat, the centre's
 * retained state, a new session's) are coalesced into one rerun right after it. A newer request
 * used to supersede the running pass and its callers waited for the newest one: a republish longer
 * than the heartbeat was superseded by every heartbeat, and the session's drain and summary never
 * came. Now a caller waits for the first pass that started after its request, at most two passes.
 */
export class StatePublisher {
  private running: Pass | undefined;
  /** The rerun requested while `running` runs (the "dirty" flag). */
  private queued: Pass | undefined;
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
   * Resolves once a pass that started after this call has published every camera: the session's
   * drain awaits it, so the backlog's events never overtake the states. True for exactly one of the
   * calls coalesced into that pass (which then publishes the summary), false for the others.
   * Rejects when that pass failed (publishOne threw).
   */
  publishAll(): Promise<boolean> {
    let pass: Pass;
    if (this.running === undefined) {
      pass = newPass();
      this.start(pass);
    } else {
      this.queued ??= newPass();
      pass = this.queued;
    }
    const first = !pass.claimed;
    pass.claimed = true;
    return pass.done.then(() => first);
  }

  private start(pass: Pass): void {
    this.running = pass;
    const run = this.run();
    pass.settle(run);
    // Its callers handle a failure (publishAll's promise rejects); here it only has to be over.
    void Promise.allSettled([run]).then(() => {
      this.running = undefined;
      const next = this.queued;
      this.queued = undefined;
      if (next) this.start(next);
    });
  }

  private async run(): Promise<void> {
    const { clock } = this.deps;
    const budget = this.deps.sliceMs ?? STATE_SLICE_MS;
    const ids = this.deps.ids();
    const least = Math.ceil(ids.length / STATE_MAX_SLICES);
    let next = 0;
    while (next < ids.length) {
      await clock.sleep(0);
      this.slices += 1;
      const started = clock.monotonic();
      const from = next;
      const end = Math.min(ids.length, next + STATE_SLICE);
      while (next < end) {
        this.deps.publishOne(ids[next++] as string);
        if (next - from >= least && clock.monotonic() - started >= budget) break;
      }
    }
  }
}
