import { PassThrough } from 'node:stream';
import ffmpeg from 'fluent-ffmpeg';
import type { Clock } from '../../shared/clock.js';
import { CamgateError } from '../../shared/errors.js';
import { redactText } from '../../shared/redact.js';
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
 * camera that never sends a keyframe cannot keep it alive.
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

function grabOnce(deps: { clock: Clock }, o: FrameGrabOptions, transport: FfmpegTransport): Promise<Buffer> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const maxBytes = o.maxBytes ?? 5_000_000;
  const micros = String(timeoutMs * 1000);
  const out = new PassThrough();
  const command = ffmpeg(o.url)
    .inputOptions(['-rtsp_transport', transport, '-timeout', micros])
    .outputOptions(['-frames:v', '1', '-an', '-c:v', 'mjpeg', '-q:v', '4'])
    .format('image2pipe');
  if (o.ffmpegPath) command.setFfmpegPath(o.ffmpegPath);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const onAbort = (): void => finish(new CamgateError('FFMPEG', 'frame grab aborted'));
    const finish = (err: Error | undefined): void => {
      if (settled) return;
      settled = true;
      timer.cancel();
      o.signal?.removeEventListener('abort', onAbort);
      if (err) {
        command.kill('SIGKILL');
        reject(err);
      } else resolve(Buffer.concat(chunks));
    };
    const timer = deps.clock.setTimeout(
      () => finish(new CamgateError('RTSP_TIMEOUT', `no frame within ${timeoutMs} ms`)),
      timeoutMs,
    );
    if (o.signal?.aborted) {
      finish(new CamgateError('FFMPEG', 'frame grab aborted'));
      return;
    }
    o.signal?.addEventListener('abort', onAbort, { once: true });
    out.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) finish(new CamgateError('FFMPEG', `frame exceeds ${maxBytes} bytes`));
      else chunks.push(c);
    });
    // fluent-ffmpeg's message holds only ffmpeg's last line ("Protocol not supported"); the
    // 461 is earlier on stderr.
    command.on('error', (err: Error, _stdout: unknown, stderr: unknown) => {
      const first = redactText(err.message).split('\n').slice(0, 2).join(' ');
      if (transportRefused(`${err.message}\n${typeof stderr === 'string' ? stderr : ''}`))
        finish(new TransportRefused('RTSP_PROTOCOL', `the camera refused RTP over ${transport} (461)`));
      else finish(new CamgateError('FFMPEG', `ffmpeg could not grab a frame: ${first}`));
    });
    // fluent-ffmpeg spawns after its own checks: a grab ended before that must still not run.
    command.on('start', () => {
      if (settled) command.kill('SIGKILL');
    });
    command.on('end', () =>
      size > 0 ? finish(undefined) : finish(new CamgateError('FFMPEG', 'ffmpeg ended without a frame')),
    );
    command.pipe(out, { end: true });
  });
}
