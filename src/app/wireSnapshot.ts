import { configEntryFor } from '../config/cameraEntry.js';
import { credentialFor } from '../config/credentials.js';
import { fetchSnapshot } from '../discovery/snapshot.js';
import { withCredentials } from '../recording/recordingPlans.js';
import { isoTs } from '../shared/clock.js';
import { CamgateError } from '../shared/errors.js';
import type { Service } from '../shared/service.js';
import type { CameraRecord } from '../shared/types.js';
import { type FfmpegTransport, otherTransport } from '../streams/ffmpeg/rtspTransport.js';
import { NotFoundError } from './control.js';
import type { Wiring, WiringContext } from './modules.js';

/** Answer of `POST /snapshot` (CLI `camgate snapshot`, MQTT `cmd/snapshot`, the acceptance pack). */
export interface SnapshotResult {
  readonly cameraId: string;
  /** 'onvif': the camera's snapshot URI; 'rtsp': one frame decoded from its main stream. */
  readonly source: 'onvif' | 'rtsp';
  readonly contentType: 'image/jpeg';
  readonly bytes: number;
  readonly jpegBase64: string;
  /** Why the ONVIF URI was not used, when the fallback answered. */
  readonly fallbackReason?: string;
  readonly ts: string;
}

const MAX_JPEG_BYTES = 5_000_000;
/** Decoding a frame costs a core for a moment: at most this many at once on a 2-core box. */
const MAX_CONCURRENT = 2;

/**
 * Snapshots: the camera's ONVIF snapshot URI first (cheap, the camera encodes it), else one frame
 * from the RTSP stream through ffmpeg. The composition root joins the two because they live in
 * different modules (discovery owns the ONVIF client, streams owns ffmpeg).
 */
export const wireSnapshot: Wiring = (ctx: WiringContext): Service[] => {
  // Stopping the daemon ends snapshots in flight (an ffmpeg waiting for a keyframe included).
  const abort = new AbortController();
  const log = ctx.log.child({ module: 'snapshot' });
  // The transport the stream monitor's session plays over is tried first (UDP-only cameras).
  const learnt = new Map<string, FfmpegTransport>();
  ctx.bus.on('stream.sample', (s) => {
    if (s.stats?.transport) learnt.set(s.cameraId, s.stats.transport);
  });
  let inFlight = 0;
  ctx.control.route('POST', '/snapshot', async (req) => {
    const cameraId = (req.body as { camera?: unknown } | undefined)?.camera;
    if (typeof cameraId !== 'string') throw new NotFoundError('snapshot needs {"camera": "<id>"}');
    const camera = ctx.cameras.get(cameraId);
    if (!camera) throw new NotFoundError(`unknown camera ${cameraId}`);
    if (inFlight >= MAX_CONCURRENT)
      throw new CamgateError('BUSY', `${MAX_CONCURRENT} snapshots already in progress; try again`);
    inFlight += 1;
    try {
      return await snapshotOf(ctx, camera, abort.signal, transportsFor(ctx, camera, learnt.get(camera.id)));
    } catch (err) {
      log.warn({ err, cameraId }, 'snapshot failed');
      throw err;
    } finally {
      inFlight -= 1;
    }
  });
  return [
    {
      name: 'snapshot',
      start: async () => undefined,
      stop: async () => abort.abort(new Error('daemon stopping')),
    },
  ];
};

/** Configured tcp/udp: that one; else the learnt one first; else TCP, then UDP. */
function transportsFor(
  ctx: WiringContext,
  camera: CameraRecord,
  learnt: FfmpegTransport | undefined,
): FfmpegTransport[] {
  const configured = configEntryFor(camera, ctx.config.cameras)?.transport;
  if (configured === 'tcp' || configured === 'udp') return [configured];
  return learnt ? [learnt, otherTransport(learnt)] : ['tcp', 'udp'];
}

async function snapshotOf(
  ctx: WiringContext,
  camera: CameraRecord,
  signal: AbortSignal,
  transports: readonly FfmpegTransport[],
): Promise<SnapshotResult> {
  const credential = credentialFor(ctx.config, { id: camera.id, address: camera.address });
  const done = (source: SnapshotResult['source'], jpeg: Buffer, fallbackReason?: string): SnapshotResult => ({
    cameraId: camera.id,
    source,
    contentType: 'image/jpeg',
    bytes: jpeg.length,
    jpegBase64: jpeg.toString('base64'),
    ...(fallbackReason ? { fallbackReason } : {}),
    ts: isoTs(ctx.clock.now()),
  });
  let fallbackReason = 'the camera has no ONVIF snapshot URI';
  if (camera.snapshotUri) {
    try {
      const jpeg = await fetchSnapshot(
        { clock: ctx.clock, net: ctx.net },
        { url: camera.snapshotUri, credential, deadlineMs: 8000, maxBytes: MAX_JPEG_BYTES, signal },
      );
      return done('onvif', jpeg);
    } catch (err) {
      fallbackReason = err instanceof Error ? err.message : String(err);
    }
  }
  const profile = camera.profiles.find((p) => p.role === 'main') ?? camera.profiles[0];
  if (!profile)
    throw new CamgateError('SNAPSHOT', `${camera.id}: no snapshot URI and no stream (${fallbackReason})`);
  try {
    // The frame grabber loads with the first stream frame asked for, not with the daemon (#14).
    const { grabFrame } = await import('../streams/ffmpeg/snapshot.js');
    const jpeg = await grabFrame(
      { clock: ctx.clock },
      {
        url: withCredentials(profile.rtspUrl, credential),
        timeoutMs: 10_000,
        maxBytes: MAX_JPEG_BYTES,
        signal,
        transports,
      },
    );
    return done('rtsp', jpeg, fallbackReason);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new CamgateError('SNAPSHOT', `${camera.id}: ${fallbackReason}; stream frame: ${why}`);
  }
}
