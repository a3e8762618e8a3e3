import { credentialFor } from '../config/credentials.js';
import { fetchSnapshot } from '../discovery/snapshot.js';
import { THUMB_HEIGHT, THUMB_WIDTH, thumbnailOf } from '../picture/measures.js';
import { PictureBatcher, type PictureBatcherDeps } from '../picture/pictureBatcher.js';
import type { PictureGrab } from '../picture/pictureService.js';
import type { PictureSource } from '../picture/pictureWhy.js';
import type { Slots } from '../picture/slots.js';
import { withCredentials } from '../recording/recordingPlans.js';
import { CamgateError, errorMessage } from '../shared/errors.js';
import type { CameraRecord } from '../shared/types.js';
import type { FfmpegTransport } from '../streams/ffmpeg/rtspTransport.js';
import { reduceToThumbnail, type ThumbnailSource } from '../streams/ffmpeg/thumbnail.js';
import type { KeyframeGrab } from '../streams/rtsp/keyframeCapture.js';
import type { StreamKeyframes, WiringContext } from './modules.js';

/** JPEGs one ffmpeg run reduces at most (a snapshot may be up to `maxSnapshotBytes`). */
export const PICTURES_PER_FFMPEG = 16;
/**
 * Keyframes of one codec one ffmpeg run reduces at most: sub-stream keyframes are tens of kB, and
 * decoding one costs well under 1 ms against ~150 ms for starting ffmpeg (#14). The picture
 * service starts half as many checks at one moment (two keyframes each), so a group is one run.
 */
export const KEYFRAMES_PER_FFMPEG = 64;
/** …and at most about this many bytes of them: keyframes of a 4K main stream make smaller batches. */
export const KEYFRAME_BATCH_BYTES = 8 * 1024 * 1024;

export interface SampledGrab extends PictureGrab {
  readonly source: PictureSource;
}

/** One ffmpeg run's batchers: snapshot JPEGs, and keyframe access units per codec. */
export interface PictureBatchers {
  readonly jpeg: PictureBatcher;
  readonly h264: PictureBatcher;
  readonly h265: PictureBatcher;
}

/** What sampling needs: time, sockets, config (credentials, limits), the ffmpeg slots and batchers. */
export interface Sampler extends Pick<WiringContext, 'clock' | 'net' | 'config'> {
  readonly slots: Slots;
  readonly batchers: PictureBatchers;
  /** The stream monitor's sessions; absent or unset, keyframes come from an ffmpeg of their own. */
  readonly keyframes?: StreamKeyframes;
}

export function pictureBatchers(
  ctx: Pick<WiringContext, 'clock' | 'config'>,
  slots: Slots,
  signal: AbortSignal,
  maxWaitMs: () => number,
): PictureBatchers {
  const batcher = (
    limits: Pick<PictureBatcherDeps, 'maxBatch' | 'maxBatchBytes'>,
    source: (pictures: readonly Buffer[]) => ThumbnailSource,
  ): PictureBatcher =>
    new PictureBatcher({
      clock: ctx.clock,
      slots,
      reduce: (pictures) => reduceThumbnails(ctx, source(pictures), signal),
      ...limits,
      maxWaitMs,
      signal,
    });
  const keyframes = { maxBatch: KEYFRAMES_PER_FFMPEG, maxBatchBytes: KEYFRAME_BATCH_BYTES };
  return {
    jpeg: batcher({ maxBatch: PICTURES_PER_FFMPEG }, (jpegs) => ({ kind: 'jpeg', jpegs })),
    h264: batcher(keyframes, (units) => ({ kind: 'annexb', codec: 'h264', units })),
    h265: batcher(keyframes, (units) => ({ kind: 'annexb', codec: 'h265', units })),
  };
}

export async function reduceThumbnails(
  ctx: Pick<WiringContext, 'clock' | 'config'>,
  source: ThumbnailSource,
  signal: AbortSignal,
): Promise<readonly Buffer[]> {
  const timeoutMs = ctx.config.picture.timeoutSeconds * 1000;
  const run = await reduceToThumbnail(
    { clock: ctx.clock },
    { source, width: THUMB_WIDTH, height: THUMB_HEIGHT, timeoutMs, signal },
  );
  return run.raws;
}

/**
 * The snapshot URI first (the camera encodes it; its JPEG joins a batch for ffmpeg). Else the
 * next `keyframes` keyframes of the session the daemon already keeps on the camera (no RTSP
 * session and no ffmpeg start of the check's own: the access units join a batch of their codec).
 * Else (no session playing H.264/H.265: MJPEG, an interval-mode camera between sessions, or a
 * capture that failed other than by time) one ffmpeg of its own on the sub-stream, in a slot.
 */
export async function sampleThumbnail(
  s: Sampler,
  camera: CameraRecord,
  signal: AbortSignal,
  transport: FfmpegTransport,
  keyframes: 1 | 2 = 1,
  onStream?: () => void,
): Promise<SampledGrab> {
  const { timeoutSeconds, maxSnapshotBytes } = s.config.picture;
  const timeoutMs = timeoutSeconds * 1000;
  const credential = credentialFor(s.config, { id: camera.id, address: camera.address });
  let why = 'no ONVIF snapshot URI';
  if (camera.snapshotUri) {
    try {
      const jpeg = await fetchSnapshot(
        { clock: s.clock, net: s.net },
        { url: camera.snapshotUri, credential, deadlineMs: timeoutMs, maxBytes: maxSnapshotBytes, signal },
      );
      return { thumbnail: thumbnailOf(await s.batchers.jpeg.reduce(jpeg)), source: 'snapshot' };
    } catch (err) {
      if (signal.aborted) throw err;
      why = errorMessage(err);
    }
  }
  onStream?.();
  // Inside the try: a session that is busy with another capture (BUSY: acceptance's sampleNow
  // during a periodic check) or cannot give one falls back like any other non-timeout failure.
  try {
    const grab = s.keyframes?.capture?.(camera.id, { count: keyframes, timeoutMs, signal });
    if (grab) return await fromSession(s, grab);
  } catch (err) {
    if (signal.aborted) throw err;
    why = `${why}; own session: ${errorMessage(err)}`;
    // A stream that sends no keyframe in time would not send ffmpeg one either. Keyframes lost to
    // a lossy link (RTSP_LOSSY) do fall back: ffmpeg conceals the errors and gives a picture.
    if (err instanceof CamgateError && err.code === 'RTSP_TIMEOUT')
      throw new CamgateError('SNAPSHOT', `${camera.id}: ${why}`, { cause: err });
  }
  return fromOwnFfmpeg(s, camera, signal, transport, keyframes, why);
}

/** Both keyframes join their codec's batch as each arrives; the second never fails the grab. */
async function fromSession(s: Sampler, grab: KeyframeGrab): Promise<SampledGrab> {
  const batcher = s.batchers[grab.codec];
  const second = grab.second.then((unit) => (unit ? batcher.reduce(unit) : undefined)).catch(() => undefined);
  const raw = await batcher.reduce(await grab.first);
  const next = await second;
  return { thumbnail: thumbnailOf(raw), ...(next ? { next: thumbnailOf(next) } : {}), source: 'session' };
}

async function fromOwnFfmpeg(
  s: Sampler,
  camera: CameraRecord,
  signal: AbortSignal,
  transport: FfmpegTransport,
  keyframes: 1 | 2,
  why: string,
): Promise<SampledGrab> {
  const profile =
    camera.profiles.find((p) => p.role === 'sub') ??
    camera.profiles.find((p) => p.role === 'main') ??
    camera.profiles[0];
  if (!profile) throw new CamgateError('SNAPSHOT', `${camera.id}: ${why} and no stream to sample`);
  try {
    const credential = credentialFor(s.config, { id: camera.id, address: camera.address });
    const url = withCredentials(profile.rtspUrl, credential);
    const [raw, next] = await s.slots.run(() =>
      reduceThumbnails(s, { kind: 'rtsp', url, transport, keyframes }, signal),
    );
    if (!raw) throw new CamgateError('FFMPEG', 'no thumbnail');
    return { thumbnail: thumbnailOf(raw), ...(next ? { next: thumbnailOf(next) } : {}), source: 'ffmpeg' };
  } catch (err) {
    const msg = errorMessage(err);
    throw new CamgateError('SNAPSHOT', `${camera.id}: ${why}; sub-stream keyframe: ${msg}`, { cause: err });
  }
}
