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
