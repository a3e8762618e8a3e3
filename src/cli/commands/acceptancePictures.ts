import type { Config } from '../../config/schema.js';
import { isDown } from '../../health/outage.js';
import type { ReferenceTaken } from '../../picture/pictureAlbum.js';
import type { HandoverCamera, PictureReferenceOutcome } from '../../report/acceptance/acceptance.js';
import { errorMessage } from '../../shared/errors.js';
import type { CameraStatus } from '../../shared/types.js';
import { controlRequest } from '../controlClient.js';

/**
 * Issue #17: the handover takes each camera's picture now as its picture reference, through the
 * running daemon (`POST /picture/reference`: the same sources the checks sample, so the reference
 * compares like with like). A camera whose picture is dark or covered now is refused, not taught
 * that black is normal; a camera that is down is not asked. Two at a time, like the snapshots.
 */
export async function takeReferences(
  config: Readonly<Config>,
  cameras: readonly HandoverCamera[],
  live: ReadonlyMap<string, CameraStatus>,
  onProgress: (done: number) => void,
): Promise<Map<string, PictureReferenceOutcome>> {
  const out = new Map<string, PictureReferenceOutcome>();
  // A sample may fetch a snapshot and then run ffmpeg on a keyframe: twice the sample timeout.
  const timeoutMs = config.picture.timeoutSeconds * 2000 + 10_000;
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let cam = cameras[next++]; cam; cam = cameras[next++]) {
      out.set(cam.id, await takeOne(config, cam.id, live.get(cam.id), timeoutMs));
      onProgress(out.size);
    }
  };
  await Promise.all([worker(), worker()]);
  return out;
}

async function takeOne(
  config: Readonly<Config>,
  cameraId: string,
  status: CameraStatus | undefined,
  timeoutMs: number,
): Promise<PictureReferenceOutcome> {
  if (!config.picture.enabled)
    return { status: 'unavailable', reason: 'picture checks disabled (picture.enabled: false)' };
  if (status !== undefined && isDown(status))
    return { status: 'failed', reason: `not taken: camera ${status}` };
  try {
    const r = (await controlRequest(
      config.control.socket,
      'POST',
      '/picture/reference',
      { camera: cameraId },
      timeoutMs,
    )) as ReferenceTaken;
    if (r.taken) return { status: 'taken', mode: r.mode, takenAt: r.takenAt };
    if (r.reasons.length > 0) return { status: 'refused', reason: r.reason };
    if (/disabled/.test(r.reason)) return { status: 'unavailable', reason: r.reason };
    return { status: 'failed', reason: r.reason };
  } catch (err) {
    const msg = errorMessage(err);
    // A daemon from before handover references answers "no route": the camera keeps learning.
    if (/^no route/.test(msg))
      return { status: 'unavailable', reason: 'this daemon cannot take picture references (upgrade it)' };
    return { status: 'failed', reason: msg };
  }
}
