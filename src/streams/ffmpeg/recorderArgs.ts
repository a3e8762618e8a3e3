/**
 * The ffmpeg command line of one camera's recorder, as plain data so it can be tested without
 * spawning anything. Stream copy only: an NVR box cannot afford to transcode 64 cameras.
 */
export interface RecorderArgsOptions {
  /** RTSP URL with credentials; never logged. */
  readonly url: string;
  /** Output directory of this camera. */
  readonly dir: string;
  readonly segmentSeconds: number;
  /** RTSP socket I/O timeout; ffmpeg exits when the camera goes silent this long. */
  readonly ioTimeoutSeconds: number;
  /** RTP transport, always explicit: ffmpeg's own default tries UDP first. Default tcp. */
  readonly transport?: 'tcp' | 'udp';
}

export const SEGMENT_EXTENSION = '.ts';
/**
 * strftime pattern. ffmpeg formats in the box's local time and fluent-ffmpeg cannot set the
 * child's TZ, so the UTC offset (%z) is part of the name: `20261121T001208+0200.ts` is unambiguous.
 */
export const SEGMENT_PATTERN = `%Y%m%dT%H%M%S%z${SEGMENT_EXTENSION}`;

export interface RecorderArgs {
  readonly input: string;
  readonly inputOptions: readonly string[];
  readonly outputOptions: readonly string[];
  readonly output: string;
}

export function recorderArgs(o: RecorderArgsOptions): RecorderArgs {
  return {
    input: o.url,
    inputOptions: [
      '-rtsp_transport',
      o.transport ?? 'tcp',
      // ffmpeg 5+: socket I/O timeout in microseconds (the old -stimeout is gone).
      '-timeout',
      String(Math.round(o.ioTimeoutSeconds * 1_000_000)),
      '-fflags',
      '+genpts',
    ],
    outputOptions: [
      '-nostdin',
      '-hide_banner',
      '-loglevel',
      'warning',
      '-map',
      '0:v',
      '-map',
      '0:a?',
      '-c',
      'copy',
      '-f',
      'segment',
      '-segment_time',
      String(o.segmentSeconds),
      // MPEG-TS rather than MP4: a killed ffmpeg leaves an MP4 without its moov atom (unplayable),
      // while every closed TS packet stays playable, which is what an incident review needs.
      '-segment_format',
      'mpegts',
      '-strftime',
      '1',
      '-reset_timestamps',
      '1',
      '-progress',
      'pipe:1',
      '-stats_period',
      '1',
    ],
    output: `${o.dir}/${SEGMENT_PATTERN}`,
  };
}
