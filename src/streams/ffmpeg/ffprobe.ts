import ffmpeg from 'fluent-ffmpeg';
import type { Clock } from '../../shared/clock.js';
import { CamgateError } from '../../shared/errors.js';
import { redactText } from '../../shared/redact.js';

export interface DeepProbeResult {
  readonly codec?: string;
  readonly profile?: string;
  readonly width?: number;
  readonly height?: number;
  readonly fps?: number;
  readonly bitrateKbps?: number;
  readonly pixelFormat?: string;
  readonly streams: number;
}

export interface DeepProbeOptions {
  /** rtsp:// URL; ffprobe needs credentials in it (they end up in its argv, visible to local root). */
  readonly url: string;
  /** RTSP socket I/O timeout handed to ffprobe, and our own deadline (plus slack). */
  readonly timeoutMs?: number;
  readonly ffprobePath?: string;
  /** RTP transport (what our own probe settled on); default tcp. */
  readonly transport?: 'tcp' | 'udp';
}

/**
 * The ffprobe arguments: an explicit transport (ffmpeg's own default tries UDP first) and I/O
 * timeouts, so a dead camera cannot hang it.
 */
export function ffprobeArgs(timeoutMs: number, transport: 'tcp' | 'udp' = 'tcp'): string[] {
  const micros = String(timeoutMs * 1000);
  return [
    '-v',
    'error',
    '-rtsp_transport',
    transport,
    '-timeout',
    micros,
    '-rw_timeout',
    micros,
    '-analyzeduration',
    micros,
  ];
}

/**
 * Deep probe with ffprobe through fluent-ffmpeg (kept behind `streams/ffmpeg/` because the
 * package is archived upstream). Decodes headers ffmpeg-side; use `probeStream` for health.
 */
export async function deepProbe(deps: { clock: Clock }, options: DeepProbeOptions): Promise<DeepProbeResult> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const command = ffmpeg(options.url);
  if (options.ffprobePath) command.setFfprobePath(options.ffprobePath);
  const data = await new Promise<ffmpeg.FfprobeData>((resolve, reject) => {
    // fluent-ffmpeg gives no handle on the ffprobe child; the I/O timeouts above end it, this only
    // bounds how long we wait.
    const timer = deps.clock.setTimeout(
      () => reject(new CamgateError('RTSP_TIMEOUT', `ffprobe gave no answer within ${timeoutMs + 2000} ms`)),
      timeoutMs + 2000,
    );
    command.ffprobe(ffprobeArgs(timeoutMs, options.transport), (err: unknown, result: ffmpeg.FfprobeData) => {
      timer.cancel();
      if (err) {
        const message = redactText(err instanceof Error ? err.message : String(err));
        reject(new CamgateError('FFMPEG', `ffprobe failed: ${message.split('\n').slice(0, 3).join(' ')}`));
        return;
      }
      resolve(result);
    });
  });
  const video = data.streams.find((s) => s.codec_type === 'video');
  return {
    codec: video?.codec_name,
    profile: typeof video?.profile === 'string' ? video.profile : undefined,
    width: video?.width,
    height: video?.height,
    fps: rate(video?.avg_frame_rate) ?? rate(video?.r_frame_rate),
    bitrateKbps:
      video?.bit_rate && Number(video.bit_rate) > 0 ? Math.round(Number(video.bit_rate) / 1000) : undefined,
    pixelFormat: video?.pix_fmt,
    streams: data.streams.length,
  };
}

function rate(text: string | undefined): number | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text ?? '');
  if (!m || Number(m[2]) === 0) return undefined;
  const fps = Number(m[1]) / Number(m[2]);
  return fps > 0 && fps <= 300 ? Math.round(fps * 100) / 100 : undefined;
}
