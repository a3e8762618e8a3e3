import type { Clock } from '../shared/clock.js';
import type { Log } from '../shared/log.js';
import type { CameraRecord } from '../shared/types.js';
import type { Thumbnail } from './measures.js';
import type { PictureGrab } from './pictureService.js';

export interface CheckGrabsDeps {
  readonly clock: Clock;
  readonly log: Log;
  readonly sample: (camera: CameraRecord, signal: AbortSignal) => Promise<PictureGrab>;
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
  const firstRun = deps.sample(camera, signal);
  const first: { failed?: boolean; next?: Thumbnail } = {};
  firstRun.then(
    (g) => {
      first.next = g.next;
    },
    () => {
      first.failed = true;
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

/** The second snapshot of a check. Never rejects. */
async function secondGrab(
  deps: CheckGrabsDeps,
  camera: CameraRecord,
  first: { readonly failed?: boolean; readonly next?: Thumbnail },
  signal: AbortSignal,
  intervalMs: number,
): Promise<Thumbnail | undefined> {
  try {
    await deps.clock.sleep(pairGapMs(intervalMs), signal);
    // A camera whose first grab already failed is not asked again in this check; one whose
    // snapshot failed and whose stream gave two pictures instead has its second already.
    if (first.failed) return undefined;
    if (first.next) return first.next;
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
