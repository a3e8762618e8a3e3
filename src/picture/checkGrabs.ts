import type { Clock } from '../shared/clock.js';
import type { Log } from '../shared/log.js';
import type { CameraRecord } from '../shared/types.js';
import type { Thumbnail } from './measures.js';
import type { PictureGrab } from './pictureService.js';

export interface CheckGrabsDeps {
  readonly clock: Clock;
  readonly log: Log;
  /** `onStream`: called when the grab leaves the snapshot for the stream (it then brings `next`). */
  readonly sample: (camera: CameraRecord, signal: AbortSignal, onStream?: () => void) => Promise<PictureGrab>;
}

/**
 * One picture check's two grabs, so frozen is judged within the check (pictureMachine.ts
 * frozenEvidence). A stream grab brings its second picture along (`next`, the next keyframe): no
 * second ffmpeg start. A snapshot is fetched again `pairGapMs` after the first fetch started, not
 * after its thumbnail was made: both JPEGs then mostly share one batched ffmpeg run, and a check
 * lasts one reduction, not two. Rejects only when the first grab fails; a failed second grab
 * leaves `second` undefined (frozen is then judged against the previous check).
 */
export async function grabCheck(
  deps: CheckGrabsDeps,
  camera: CameraRecord,
  signal: AbortSignal,
  intervalMs: number,
): Promise<{ thumbnail: Thumbnail; second: Thumbnail | undefined }> {
  const first: FirstGrab = {};
  const firstRun = deps.sample(camera, signal, () => {
    first.streaming = true;
  });
  first.run = firstRun;
  firstRun.then(
    (g) => {
      first.next = g.next;
      first.done = true;
    },
    () => {
      first.failed = true;
      first.done = true;
    },
  );
  const second = camera.snapshotUri
    ? secondGrab(deps, camera, first, signal, intervalMs)
    : firstRun.then(
        (g) => g.next,
        () => undefined,
      );
  const { thumbnail } = await firstRun;
  return { thumbnail, second: await second };
}

/** What the second grab needs to know of the first. */
interface FirstGrab {
  run?: Promise<PictureGrab>;
  /** The first grab left the snapshot for the stream: it brings its own second picture. */
  streaming?: boolean;
  done?: boolean;
  failed?: boolean;
  next?: Thumbnail;
}

/** The second snapshot of a check. Never rejects. */
async function secondGrab(
  deps: CheckGrabsDeps,
  camera: CameraRecord,
  first: FirstGrab,
  signal: AbortSignal,
  intervalMs: number,
): Promise<Thumbnail | undefined> {
  try {
    await deps.clock.sleep(pairGapMs(intervalMs), signal);
    // A camera whose first grab already failed is not asked again in this check; one whose
    // snapshot failed and whose stream gave two pictures instead has its second already.
    if (first.failed) return undefined;
    if (first.next) return first.next;
    // A first grab still waiting for the stream's next keyframe: sampling again would find its
    // capture armed (BUSY) and start an ffmpeg of its own; its `next` is the second picture.
    if (first.streaming && !first.done) return (await first.run)?.next;
    return (await deps.sample(camera, signal)).thumbnail;
  } catch (err) {
    if (!signal.aborted) deps.log.debug({ err, cameraId: camera.id }, 'picture second grab failed');
    return undefined;
  }
}

/**
 * Time between a check's two grabs: longer than a snapshot cache or a slow camera's frame period
 * (3 s at the default 10 min), shorter for short intervals (tests), and shorter than the JPEG
 * batcher's wait (5 % of the interval, wirePicture.ts) so both JPEGs share one ffmpeg run.
 */
export function pairGapMs(intervalMs: number): number {
  return Math.min(3000, Math.max(250, intervalMs / 200));
}
