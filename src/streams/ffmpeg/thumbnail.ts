import type { Clock } from '../../shared/clock.js';
import { CamgateError } from '../../shared/errors.js';
import { runFfmpegBounded } from './boundedRun.js';
import type { FfmpegTransport } from './rtspTransport.js';

/**
 * Where the pictures come from: JPEGs we fetched (several at once: one ffmpeg start costs far
 * more than decoding a small JPEG, so snapshots are reduced in batches), keyframes the daemon's
 * own RTSP sessions captured (Annex B access units, batched the same way), or one keyframe of an
 * RTSP stream.
 */
export type ThumbnailSource =
  | { readonly kind: 'jpeg'; readonly jpegs: readonly Buffer[] }
  | {
      readonly kind: 'annexb';
      readonly codec: 'h264' | 'h265';
      /** Self-contained IRAP access units (parameter sets first), one thumbnail each. */
      readonly units: readonly Buffer[];
    }
  | {
      readonly kind: 'rtsp';
      readonly url: string;
      readonly transport: FfmpegTransport;
      /**
       * Keyframes to decode, one after the other (default 1). The second is the stream's next
       * keyframe, a GOP later: the picture check's second grab, at no extra ffmpeg start. If only
       * the first arrives before the deadline or the end, the run gives that one.
       */
      readonly keyframes?: 1 | 2;
    };

export interface ThumbnailOptions {
  readonly source: ThumbnailSource;
  readonly width: number;
  readonly height: number;
  readonly timeoutMs: number;
  readonly ffmpegPath?: string;
  readonly signal?: AbortSignal;
}

export interface ThumbnailRun {
  /** One raw thumbnail per input picture, in order. */
  readonly raws: readonly Buffer[];
}

/**
 * ffmpeg reduces pictures to raw yuv420p thumbnails of exactly width×height (area averaging:
 * every source pixel counts, sensor noise averages out). JPEGs (or keyframe access units of one
 * codec) go in concatenated on stdin, one thumbnail comes out per picture (the scale filter follows
 * size changes between them); a picture ffmpeg cannot decode makes the count wrong, and the whole batch is refused (the caller then
 * reduces them one by one). For a stream only one or two keyframes are decoded (`-skip_frame
 * nokey`: nothing else is decoded at all), over an explicit transport with an I/O timeout. A hard
 * deadline kills ffmpeg; output beyond the expected thumbnails is refused.
 */
export async function reduceToThumbnail(deps: { clock: Clock }, o: ThumbnailOptions): Promise<ThumbnailRun> {
  const one = o.width * o.height * 1.5;
  const count =
    o.source.kind === 'jpeg'
      ? o.source.jpegs.length
      : o.source.kind === 'annexb'
        ? o.source.units.length
        : (o.source.keyframes ?? 1);
  const expected = one * count;
  // A stream run that gave its first keyframe but not its second still gives the first.
  const enough = o.source.kind === 'rtsp' ? one : expected;
  const input =
    o.source.kind === 'jpeg'
      ? ['-f', 'image2pipe', '-c:v', 'mjpeg', '-i', 'pipe:0']
      : o.source.kind === 'annexb'
        ? ['-f', o.source.codec === 'h264' ? 'h264' : 'hevc', '-i', 'pipe:0']
        : [
            ...['-skip_frame', 'nokey', '-rtsp_transport', o.source.transport],
            // Probe nothing beyond the SDP: the default 5 s analysis held the camera's RTSP session
            // and an ffmpeg slot ~4 s longer per check (bench/pictureRtspArgs.ts), and the decoder
            // takes SPS/PPS from the stream itself when the SDP has no sprop-parameter-sets.
            ...['-probesize', '32', '-analyzeduration', '0'],
            ...['-timeout', String(o.timeoutMs * 1000), '-an', '-i', o.source.url],
          ];
  const args = [
    ...['-hide_banner', '-loglevel', 'error', '-threads', '1', '-filter_threads', '1'],
    // A stream needs no stdin (ffmpeg would otherwise read keystrokes from it).
    ...(o.source.kind === 'rtsp' ? ['-nostdin'] : []),
    ...input,
    // Passthrough: ffmpeg's default constant frame rate for rawvideo filled the GOP between the
    // two keyframes with a copy of the first, so the second "grab" was the first again (ffmpeg
    // 5.1+ spelling; -vsync is deprecated).
    ...(o.source.kind === 'rtsp' ? ['-frames:v', String(count)] : []),
    ...(o.source.kind === 'jpeg' ? [] : ['-fps_mode', 'passthrough']),
    ...['-an', '-vf', `scale=${o.width}:${o.height}:flags=area,format=yuv420p`],
    ...['-f', 'rawvideo', 'pipe:1'],
  ];
  const run = await runFfmpegBounded(deps, {
    args,
    ffmpegPath: o.ffmpegPath,
    stdin: stdinOf(o.source),
    maxBytes: expected,
    timeoutMs: o.timeoutMs,
    signal: o.signal,
    what: 'thumbnail',
    keepOnTimeout: enough,
    timeoutCode: 'RTSP_TIMEOUT',
  });
  const size = run.stdout.length;
  if (!(run.timedOut || size === expected || (size >= enough && size % one === 0)))
    throw new CamgateError(
      'FFMPEG',
      `ffmpeg gave ${size} of ${expected} thumbnail bytes (${count} pictures): ${run.why || `exit ${run.code}`}`,
    );
  const n = Math.floor(size / one);
  return { raws: Array.from({ length: n }, (_, i) => run.stdout.subarray(i * one, (i + 1) * one)) };
}

function stdinOf(source: ThumbnailSource): Buffer | undefined {
  if (source.kind === 'jpeg') return Buffer.concat([...source.jpegs]);
  if (source.kind === 'annexb') return Buffer.concat([...source.units]);
  return undefined;
}
