import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MpegTsPictureCounter } from '../../../src/streams/live/mpegTsPictures.js';
import { TsJoinPoint } from '../../../src/streams/live/tsJoinPoint.js';
import { decodeTs } from '../../helpers/live.js';

/** 100 MPEG-1 pictures in MPEG-TS, a keyframe every 25, as `camgate live`'s ffmpeg writes them. */
function sampleTs(): Buffer {
  const args = ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-frames:v', '100'];
  const out = ['-f', 'mpegts', '-codec:v', 'mpeg1video', '-bf', '0', '-g', '25', '-'];
  return spawnSync('ffmpeg', [...args, ...out], { maxBuffer: 64 * 1024 * 1024 }).stdout;
}

/** Pipe-like cuts: 1-700 bytes, deterministic. */
function* cuts(buf: Buffer, seed = 11): Generator<Buffer> {
  for (let i = 0; i < buf.length; ) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const n = 1 + (seed % 700);
    yield buf.subarray(i, i + n);
    i += n;
  }
}

function pids(ts: Buffer): number[] {
  const out: number[] = [];
  for (let i = 0; i < ts.length; i += 188) out.push((((ts[i + 1] ?? 0) & 0x1f) << 8) | (ts[i + 2] ?? 0));
  return out;
}

describe('TsJoinPoint', () => {
  const ts = sampleTs();

  it('passes every byte through as whole 188-byte packets, whatever the pipe cut', () => {
    const j = new TsJoinPoint();
    const out: Buffer[] = [];
    for (const chunk of cuts(ts)) {
      const packets = j.push(chunk);
      expect(packets.length % 188).toBe(0);
      if (packets.length) expect(packets[0]).toBe(0x47);
      out.push(packets);
    }
    expect(Buffer.concat(out).equals(ts)).toBe(true);
  });

  it('has no join point before the first sequence header', () => {
    const j = new TsJoinPoint();
    j.push(ts.subarray(0, 188 * 2)); // PAT and PMT only
    expect(j.joinBurst()).toBeUndefined();
  });

  // Issue #7: a second viewer joined a running ffmpeg mid-packet and JSMpeg threw
  // "RangeError: offset is out of bounds"; a late joiner must get a stream a decoder can start on.
  it.each([0.3, 0.5, 0.77])(
    'gives a viewer joining at %s of the stream PAT, PMT and a decodable GOP',
    (at) => {
      const j = new TsJoinPoint();
      const cut = Math.floor(ts.length * at);
      j.push(ts.subarray(0, cut));
      const burst = j.joinBurst();
      if (!burst) throw new Error('no join point');
      expect(burst.length % 188).toBe(0);
      expect(pids(burst).slice(0, 2)).toEqual([0, 4096]); // ffmpeg's PAT, then its PMT
      expect(burst.indexOf(Buffer.from([0, 0, 1, 0xb3]))).toBeGreaterThan(0);
      const rest = j.push(ts.subarray(cut));
      const joined = Buffer.concat([burst, rest]);
      const counter = new MpegTsPictureCounter();
      counter.push(joined);
      // At most one GOP (25 pictures) before the cut, and the stream from there decodes cleanly.
      expect(counter.pictures).toBeGreaterThan(100 - Math.ceil(100 * at) - 1);
      expect(counter.pictures).toBeLessThanOrEqual(100 - Math.floor(100 * at) + 25);
      expect(decodeTs(joined)).toEqual({ frames: counter.pictures, errors: '' });
    },
  );

  it('gives up the join point when a stream has no keyframe for longer than its bound', () => {
    const j = new TsJoinPoint(188 * 10);
    j.push(ts.subarray(0, Math.floor(ts.length * 0.6)));
    expect(j.joinBurst()).toBeUndefined();
  });
});
