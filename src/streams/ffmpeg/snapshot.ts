import type { Clock } from '../../shared/clock.js';
import { CamgateError } from '../../shared/errors.js';
import { runFfmpegBounded } from './boundedRun.js';
import { type FfmpegTransport, transportRefused } from './rtspTransport.js';

export interface FrameGrabOptions {
  /** rtsp:// URL with credentials (they stay in ffmpeg's argv, never in our logs or errors). */
  readonly url: string;
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
  readonly ffmpegPath?: string;
  /** Aborting kills ffmpeg at once (the daemon is stopping). */
  readonly signal?: AbortSignal;
  /** RTP transports to try in order: the next one only when the camera refuses one (461). Default tcp, udp. */
  readonly transports?: readonly FfmpegTransport[];
}

/** The camera answered SETUP with 461 Unsupported Transport: another transport may work. */
class TransportRefused extends CamgateError {}

/**
 * One JPEG decoded from the RTSP stream: the fallback for cameras without an ONVIF snapshot URI
 * (plain RTSP cameras, or a URI that fails). An explicit RTP transport (TCP, then UDP when the
 * camera refuses TCP) with I/O timeouts, one frame, and a hard deadline that kills ffmpeg, so a
 * camera that never sends a keyframe cannot keep it alive (boundedRun.ts).
 */
export async function grabFrame(deps: { clock: Clock }, o: FrameGrabOptions): Promise<Buffer> {
  const transports = o.transports ?? ['tcp', 'udp'];
  for (const [i, transport] of transports.entries()) {
    try {
      return await grabOnce(deps, o, transport);
    } catch (err) {
      if (!(err instanceof TransportRefused) || i === transports.length - 1) throw err;
    }
  }
  throw new CamgateError('FFMPEG', 'no RTP transport to try');
}

async function grabOnce(
  deps: { clock: Clock },
  o: FrameGrabOptions,
  transport: FfmpegTransport,
): Promise<Buffer> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const args = [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin'],
    ...['-rtsp_transport', transport, '-timeout', String(timeoutMs * 1000), '-i', o.url],
    ...['-frames:v', '1', '-an', '-c:v', 'mjpeg', '-q:v', '4', '-f', 'image2pipe', 'pipe:1'],
  ];
  const run = await runFfmpegBounded(deps, {
    args,
    ffmpegPath: o.ffmpegPath,
    maxBytes: o.maxBytes ?? 5_000_000,
    timeoutMs,
    signal: o.signal,
    what: 'frame',
    timeoutCode: 'RTSP_TIMEOUT',
  }).catch((err: unknown) => {
    // Worded as before the shared runner: the stop of a grab in flight reads "frame grab aborted".
    if (o.signal?.aborted) throw new CamgateError('FFMPEG', 'frame grab aborted', { cause: err });
    throw err;
  });
  if (run.code === 0 && run.stdout.length > 0) return run.stdout;
  // The 461 stands on ffmpeg's stderr ("method SETUP failed: 461 Unsupported transport"), not
  // always among its last lines.
  if (transportRefused(run.stderrTail))
    throw new TransportRefused('RTSP_PROTOCOL', `the camera refused RTP over ${transport} (461)`);
  if (run.code === 0) throw new CamgateError('FFMPEG', 'ffmpeg ended without a frame');
  throw new CamgateError('FFMPEG', `ffmpeg could not grab a frame: ${run.why || `exit ${run.code}`}`);
}
