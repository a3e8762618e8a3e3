import ffmpeg from 'fluent-ffmpeg';
import { CamgateError } from '../../shared/errors.js';

/**
 * fluent-ffmpeg checks `ffmpeg -formats` and `ffmpeg -encoders` before every run until its
 * process-wide cache is filled. Starting 64 recorders at once therefore spawned 128 probe
 * processes and, on a loaded 2-core box, took over 50 s before the first recorder started
 * (measured with bench/recording.ts). One serial warm-up fills the cache for all of them.
 */
export function warmRecorderCapabilities(ffmpegPath?: string): Promise<void> {
  if (ffmpegPath) ffmpeg.setFfmpegPath(ffmpegPath);
  return new Promise((resolve, reject) => {
    ffmpeg.getAvailableFormats((err) => {
      if (err) {
        reject(new CamgateError('FFMPEG', 'ffmpeg -formats failed: is ffmpeg installed?', { cause: err }));
        return;
      }
      ffmpeg.getAvailableEncoders((err2) => {
        if (err2) reject(new CamgateError('FFMPEG', 'ffmpeg -encoders failed', { cause: err2 }));
        else resolve();
      });
    });
  });
}
