import { setMaxListeners } from 'node:events';
import type { PictureConfig } from '../config/pictureSchema.js';
import { type Clock, isoTs, type TimerHandle } from '../shared/clock.js';
import type { EventBus } from '../shared/events.js';
import type { Log } from '../shared/log.js';
import type { Service } from '../shared/service.js';
import type { CameraRecord } from '../shared/types.js';
import type { PictureMode, PictureReference } from './assess.js';
import { grabCheck } from './checkGrabs.js';
import { CheckGroups, staggerOf } from './checkMoments.js';
import type { Thumbnail } from './measures.js';
import { initialPictureState, type PictureState, reducePicture } from './pictureMachine.js';
import { PictureQueue } from './pictureQueue.js';
import { PictureVerdicts } from './pictureVerdicts.js';
import { rulesFor } from './rules.js';
import type { Slots } from './slots.js';

/** Where references and degraded periods are kept (store/pictureRepo.ts). */
export interface PictureStore {
  references(cameraId: string): Partial<Record<PictureMode, PictureReference>>;
  saveReference(cameraId: string, ref: PictureReference): void;
  clearReferences(cameraId: string): number;
  degraded(cameraId: string, reasons: readonly string[], atIso: string): void;
  ok(cameraId: string, atIso: string): void;
  /**
   * The reasons of the camera's open degraded period, which a restarted daemon carries on from
   * (the store opens this boot's own period with them); undefined when none is open.
   */
  resume?(cameraId: string, atIso: string): { reasons: readonly string[]; since: string } | undefined;
}

export interface PictureServiceDeps {
  readonly clock: Clock;
  readonly log: Log;
  readonly bus: EventBus;
  readonly config: PictureConfig;
  readonly store: PictureStore;
  /** The site's cameras now (the camera directory). */
  readonly cameras: () => readonly CameraRecord[];
  /** The stream health says frames advance: a camera whose stream is down is not sampled. */
  readonly streamAdvancing: (cameraId: string) => boolean;
  /** The camera's picture now (snapshot URI, else keyframes of its sub-stream). */
  /** `onStream`: called when the grab leaves the snapshot for the stream (it then brings `next`). */
  readonly sample: (camera: CameraRecord, signal: AbortSignal, onStream?: () => void) => Promise<PictureGrab>;
  /** The ffmpeg processes the sampler may run: one per `camerasPerFfmpeg` cameras. */
  readonly ffmpegSlots: Slots;
  /** Samples one ffmpeg slot may serve at once (its JPEG batch; at least `checksTogether` run). */
  readonly samplesPerSlot: number;
  /**
   * Checks started at one moment, so that their pictures share one ffmpeg run (checkMoments.ts);
   * absent, every camera has its own offset in the interval.
   */
  readonly checksTogether?: number;
}

/** One grab of a camera's picture. */
export interface PictureGrab {
  readonly thumbnail: Thumbnail;
  /**
   * A later picture from the same grab (the sub-stream's next keyframe): the check's second grab
   * at no extra ffmpeg start. A snapshot has none; the check then fetches a second one.
   */
  readonly next?: Thumbnail;
}

interface Tracked {
  state: PictureState;
  /** Monotonic ms the next sample is due. */
  due: number;
  /** The stream did not advance at the last tick (its picture could not be judged). */
  down: boolean;
  /** Checks still to run soon after the stream came back with raised reasons (see recheck). */
  rechecks: number;
  /** Monotonic ms the next of those is due. */
  recheckAt: number;
}

/**
 * Picture checks, off the hot path (issue #17): every camera is sampled once per interval, at an
 * offset of the interval fixed by its id so a site's cameras are spread over it (in groups whose
 * pictures share one ffmpeg run, when `checksTogether` is given: checkMoments.ts), through a queue
 * that runs at most one sample per `camerasPerFfmpeg` cameras. Each verdict goes out as
 * `picture.verdict` (CameraStates folds it into the camera's state); a failed sample is logged and
 * changes nothing.
 */
export class PictureService implements Service {
  readonly name = 'picture';
  private readonly tracked = new Map<string, Tracked>();
  private readonly queue: PictureQueue;
  private readonly verdicts: PictureVerdicts;
  private readonly abort = new AbortController();
  private readonly log: Log;
  private timer: TimerHandle | undefined;
  /** Given `checksTogether`: checks start in groups that share one ffmpeg run. */
  private readonly groups: CheckGroups | undefined;
  private samples = 0;
  private failures = 0;

  constructor(private readonly deps: PictureServiceDeps) {
    this.log = deps.log.child({ module: 'picture' });
    this.groups = deps.checksTogether === undefined ? undefined : new CheckGroups(deps.checksTogether);
    this.verdicts = new PictureVerdicts({ ...deps, log: this.log });
    // Every sample in flight (up to 16 per ffmpeg slot) listens on this one signal.
    setMaxListeners(0, this.abort.signal);
    this.queue = new PictureQueue(1, (cameraId, err) =>
      this.log.error({ err, cameraId }, 'picture check failed unexpectedly'),
    );
  }

  get intervalMs(): number {
    return this.deps.config.intervalMinutes * 60_000;
  }

  async start(): Promise<void> {
    // Ticks fine enough to keep each camera near its slot; at most once a second.
    const tickMs = Math.min(1000, Math.max(50, this.intervalMs / 20));
    this.timer = this.deps.clock.setInterval(() => this.tick(), tickMs);
  }

  async stop(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
    this.queue.clear();
    this.abort.abort(new Error('daemon stopping'));
  }

  /** The live state of one camera (`camgate why`). */
  state(cameraId: string): PictureState | undefined {
    return this.tracked.get(cameraId)?.state;
  }

  stats(): {
    samples: number;
    failures: number;
    inFlight: number;
    queued: number;
    ffmpegLimit: number;
    ffmpegPeak: number;
  } {
    const { queue: q } = this;
    const slots = this.deps.ffmpegSlots;
    return {
      samples: this.samples,
      failures: this.failures,
      inFlight: q.running,
      queued: q.queued,
      ffmpegLimit: slots.limit,
      ffmpegPeak: slots.peakUsed,
    };
  }

  /** `camgate picture reset CAMERA`: forget the references; the next good samples teach new ones. */
  reset(cameraId: string): { cleared: number } {
    const cleared = this.deps.store.clearReferences(cameraId);
    const t = this.tracked.get(cameraId);
    if (t) this.verdicts.apply(cameraId, t, { type: 'reset' });
    this.log.info({ cameraId, cleared }, 'picture reference reset');
    return { cleared };
  }

  /**
   * `camgate acceptance`: the reference taken at handover replaces every earlier one (the other
   * mode's included: it was learnt before the handover aim). Raised reasons are cleared as by a
   * reset; the other mode is learnt from the next good samples.
   */
  adoptReference(cameraId: string, ref: PictureReference): void {
    this.deps.store.clearReferences(cameraId);
    this.deps.store.saveReference(cameraId, ref);
    const t = this.tracked.get(cameraId);
    if (t) {
      this.verdicts.apply(cameraId, t, { type: 'reset' });
      t.state = { ...t.state, references: { [ref.mode]: ref } };
    }
    this.log.info({ cameraId, mode: ref.mode }, 'picture reference taken at handover');
  }

  private tick(): void {
    const cameras = this.deps.cameras();
    const ffmpegs = Math.max(1, Math.floor(cameras.length / this.deps.config.camerasPerFfmpeg));
    this.deps.ffmpegSlots.setLimit(ffmpegs);
    // A group's checks all run at once, or its keyframes never fill one batch: a group beyond the
    // limit waited for the batch timer, and at `camerasPerFfmpeg` ≥ cameras most checks were lost.
    this.queue.setLimit(Math.max(ffmpegs * this.deps.samplesPerSlot, this.deps.checksTogether ?? 0));
    const now = this.deps.clock.monotonic();
    const present = new Set<string>();
    const firstDues = this.groups?.firstDues(
      cameras.map((c) => c.id),
      (id) => this.tracked.has(id),
      now,
      this.intervalMs,
    );
    for (const camera of cameras) {
      present.add(camera.id);
      const t =
        this.tracked.get(camera.id) ??
        this.track(camera.id, firstDues?.get(camera.id) ?? now + staggerOf(camera.id) * this.intervalMs);
      const advancing = this.deps.streamAdvancing(camera.id);
      this.recheck(camera, t, now, advancing);
      if (now < t.due) continue;
      t.due += this.intervalMs * Math.max(1, Math.ceil((now - t.due + 1) / this.intervalMs));
      if (!advancing) continue;
      this.queue.push(camera.id, () => this.sampleOne(camera, t));
    }
    for (const id of this.tracked.keys()) if (!present.has(id)) this.tracked.delete(id);
  }

  /** A camera's first sight in this run: its references, and the verdict it had when the daemon last stopped. */
  private track(cameraId: string, due: number): Tracked {
    const t: Tracked = {
      state: initialPictureState(this.deps.store.references(cameraId)),
      due,
      down: false,
      rechecks: 0,
      recheckAt: 0,
    };
    this.tracked.set(cameraId, t);
    this.verdicts.resume(cameraId, t);
    return t;
  }

  /**
   * A camera is not sampled while its stream is down, and its raised reasons are kept meanwhile
   * (a covered camera must not pass for integrated because its stream dropped). When the stream
   * comes back with reasons raised, the verdict is stale (the lens may have been cleaned during
   * the power cut): it is judged again at once, `clearAfter` checks `recheckGapMs` apart, instead of
   * at the camera's next slots up to two intervals later. Until the first of them the camera keeps
   * its last verdict; the checks clear or confirm it as any others do (hysteresis unchanged).
   */
  private recheck(camera: CameraRecord, t: Tracked, now: number, advancing: boolean): void {
    if (!advancing) {
      t.down = true;
      return;
    }
    if (t.down) {
      t.down = false;
      if (t.state.reasons.length > 0) {
        t.rechecks = this.rules(camera).clearAfter;
        t.recheckAt = now;
        this.log.info(
          { cameraId: camera.id, reasons: t.state.reasons },
          'stream back: picture re-checked now',
        );
      }
    }
    if (t.rechecks === 0 || now < t.recheckAt) return;
    // A check still running (or queued) goes first: this one is tried at the next tick.
    if (!this.queue.push(camera.id, () => this.sampleOne(camera, t))) return;
    t.rechecks -= 1;
    t.recheckAt = now + recheckGapMs(this.intervalMs);
  }

  private async sampleOne(camera: CameraRecord, t: Tracked): Promise<void> {
    try {
      const { thumbnail, second: secondThumbnail } = await grabCheck(
        { ...this.deps, log: this.log },
        camera,
        this.abort.signal,
        this.intervalMs,
      );
      if (this.abort.signal.aborted) return;
      this.samples += 1;
      // Re-read after the grabs: the stream may have stalled meanwhile (then nothing is frozen).
      const streamAdvancing = this.deps.streamAdvancing(camera.id);
      this.verdicts.apply(
        camera.id,
        t,
        { type: 'sample', thumbnail, second: secondThumbnail, streamAdvancing },
        camera,
      );
    } catch (err) {
      if (this.abort.signal.aborted) return;
      this.failures += 1;
      this.log.warn({ err, cameraId: camera.id }, 'picture sample failed');
      t.state = reducePicture(
        t.state,
        { type: 'failed', error: errorText(err) },
        this.isoNow(),
        this.rules(camera),
      ).state;
    }
  }

  private rules(camera: CameraRecord) {
    return rulesFor(this.deps.config, camera.class);
  }

  private isoNow(): string {
    return isoTs(this.deps.clock.now());
  }
}

/**
 * Time between the re-checks after a stream came back (pictureService.ts recheck): 1 min at the
 * default 10 min interval, so a cleaned camera is cleared within about two minutes; a tenth of the
 * interval for short ones.
 */
export function recheckGapMs(intervalMs: number): number {
  return Math.min(60_000, intervalMs / 10);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
