import ffmpeg from 'fluent-ffmpeg';
import { CamgateError } from '../../shared/errors.js';

export interface SegmentFacts {
  readonly durationSeconds?: number;
  readonly videoCodec?: string;
}

/**
 * ffprobe of one closed recording segment (a local file, so no credentials are involved): the
 * recorder's sanity sample. Private to recording until the shared ffprobe helper lands.
 */
export function probeSegment(file: string, ffprobePath?: string): Promise<SegmentFacts> {
  return new Promise((resolve, reject) => {
    const command = ffmpeg(file);
    if (ffprobePath) command.setFfprobePath(ffprobePath);
    command.ffprobe((err: unknown, data: ffmpeg.FfprobeData | undefined) => {
      if (err || !data) {
        reject(new CamgateError('FFMPEG', `ffprobe of segment ${file} failed`, { cause: err }));
        return;
      }
      const duration = Number(data.format.duration);
      resolve({
        durationSeconds: Number.isFinite(duration) ? duration : undefined,
        videoCodec: data.streams.find((s) => s.codec_type === 'video')?.codec_name,
      });
    });
  });
}
