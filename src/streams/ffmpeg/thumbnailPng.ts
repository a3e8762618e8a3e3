import type { Clock } from '../../shared/clock.js';
import { CamgateError } from '../../shared/errors.js';
import { runFfmpegBounded } from './boundedRun.js';

export interface PngOptions {
  readonly width: number;
  readonly height: number;
  readonly timeoutMs: number;
  readonly ffmpegPath?: string;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** A 128×72 RGB PNG is ~25 kB at most; far more means something other than our pictures. */
const MAX_PNG_BYTES = 4 * 1024 * 1024;

/**
 * Raw yuv420p thumbnails (the picture checks' samples) to PNGs, all in one ffmpeg run: the same
 * program that made them converts them back with the same colour matrix, and one start serves a
 * whole acceptance pack (a start costs ~0.2 s of CPU on the NVR box; 256 cameras × 2 pictures
 * one by one would cost minutes). PNGs come out back to back on stdout and are split by their
 * chunks (length-prefixed, ending in IEND), so no byte pattern inside one can cut it.
 */
export async function thumbnailsToPng(
  deps: { clock: Clock },
  raws: readonly Uint8Array[],
  o: PngOptions,
): Promise<Buffer[]> {
  const one = o.width * o.height * 1.5;
  const bad = raws.findIndex((r) => r.length !== one);
  if (bad >= 0)
    throw new CamgateError('FFMPEG', `picture ${bad} has ${raws[bad]?.length} bytes, expected ${one}`);
  if (raws.length === 0) return [];
  const args = [
    ...['-hide_banner', '-loglevel', 'error', '-threads', '1'],
    ...['-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${o.width}x${o.height}`, '-i', 'pipe:0'],
    ...['-f', 'image2pipe', '-c:v', 'png', 'pipe:1'],
  ];
  const run = await runFfmpegBounded(deps, {
    args,
    ffmpegPath: o.ffmpegPath,
    stdin: Buffer.concat(raws.map((r) => Buffer.from(r.buffer, r.byteOffset, r.byteLength))),
    maxBytes: MAX_PNG_BYTES * raws.length,
    timeoutMs: o.timeoutMs,
    what: 'PNGs',
  });
  if (run.code !== 0) throw new CamgateError('FFMPEG', `ffmpeg (PNG) exit ${run.code}: ${run.why}`);
  const pngs = splitPngs(run.stdout);
  if (pngs.length !== raws.length)
    throw new CamgateError('FFMPEG', `ffmpeg gave ${pngs.length} PNGs for ${raws.length} pictures`);
  return pngs;
}

/** Back-to-back PNG files, split on their chunk structure (PNG spec §5.3: length, type, data, CRC). */
export function splitPngs(all: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  while (start < all.length) {
    if (!all.subarray(start, start + 8).equals(PNG_SIGNATURE))
      throw new CamgateError('FFMPEG', `no PNG signature at byte ${start}`);
    let at = start + 8;
    for (;;) {
      if (at + 12 > all.length) throw new CamgateError('FFMPEG', 'PNG cut short');
      const length = all.readUInt32BE(at);
      const type = all.toString('latin1', at + 4, at + 8);
      at += 12 + length;
      if (type === 'IEND') break;
    }
    if (at > all.length) throw new CamgateError('FFMPEG', 'PNG cut short');
    out.push(all.subarray(start, at));
    start = at;
  }
  return out;
}
