import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface RawH264Options {
  readonly seconds?: number;
  readonly fps?: number;
  /** Pictures from one IDR to the next. */
  readonly gop?: number;
  readonly size?: string;
}

/**
 * A raw H.264 Annex B file (no container, so no timestamps) made by ffmpeg/libx264 in `dir`:
 * what issue #12's GStreamer pipeline serves. Baseline-like: no B-frames.
 */
export async function makeRawH264(dir: string, o: RawH264Options = {}): Promise<string> {
  const file = path.join(dir, `clip-${o.gop ?? 25}.h264`);
  const source = `testsrc2=size=${o.size ?? '320x180'}:rate=${o.fps ?? 25}`;
  await run('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', source],
    ...['-t', String(o.seconds ?? 2), '-c:v', 'libx264', '-g', String(o.gop ?? 25), '-bf', '0'],
    ...['-pix_fmt', 'yuv420p', file],
  ]);
  return file;
}

/**
 * One GOP of a still picture (testsrc2's first frame), raw Annex B: served looped, every keyframe
 * of the stream is the same IDR, as an encoder stuck on one picture sends.
 */
export async function makeStillH264(dir: string): Promise<string> {
  const file = path.join(dir, 'still.h264');
  await run('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25'],
    ...['-vf', 'trim=end_frame=1,loop=loop=-1:size=1', '-frames:v', '25', '-c:v', 'libx264'],
    ...['-g', '25', '-bf', '0', '-pix_fmt', 'yuv420p', file],
  ]);
  return file;
}
