import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MpegTsPictureCounter } from '../../src/streams/live/mpegTsPictures.js';

/** 50 MPEG-1 pictures in MPEG-TS, made the way node-rtsp-stream's muxer makes them. */
function sampleTs(): Buffer {
  return execFileSync(
    'ffmpeg',
    ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-frames:v', '50'].concat([
      '-f',
      'mpegts',
      '-codec:v',
      'mpeg1video',
      '-bf',
      '0',
      '-',
    ]),
    { maxBuffer: 64 * 1024 * 1024 },
  );
}

describe('MpegTsPictureCounter', () => {
  const ts = sampleTs();

  it('counts every picture of a whole stream', () => {
    const c = new MpegTsPictureCounter();
    c.push(ts);
    expect(c.pictures).toBe(50);
  });

  it('counts the same when the pipe splits packets and start codes anywhere', () => {
    const c = new MpegTsPictureCounter();
    let seed = 7;
    for (let i = 0; i < ts.length; ) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const n = 1 + (seed % 700);
      c.push(ts.subarray(i, i + n));
      i += n;
    }
    expect(c.pictures).toBe(50);
  });

  it('resynchronises after garbage and counts nothing in non-video data', () => {
    const c = new MpegTsPictureCounter();
    c.push(Buffer.from([1, 2, 3, 0, 0, 1, 0, 9]));
    c.push(Buffer.alloc(188 * 3, 0x47));
    expect(c.pictures).toBe(0);
    c.push(ts);
    expect(c.pictures).toBe(50);
  });
});
