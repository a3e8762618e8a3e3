import { describe, expect, it } from 'vitest';
import { ProgressParser } from '../../../src/streams/ffmpeg/progress.js';

// Captured from ffmpeg 5.1 recording the simulator with -f segment -progress pipe:1.
const BLOCK = `frame=37
fps=0.00
stream_0_0_q=-1.0
bitrate=N/A
total_size=N/A
out_time_us=2333398
out_time_ms=2333398
out_time=00:00:02.333398
dup_frames=0
drop_frames=0
speed=4.65x
progress=continue
`;

describe('ProgressParser', () => {
  it('parses one block from a real capture', () => {
    const [p] = new ProgressParser().push(BLOCK);
    expect(p).toEqual({
      frame: 37,
      fps: 0,
      bitrateKbps: undefined,
      totalSize: undefined,
      outTimeUs: 2333398,
      speed: 4.65,
      end: false,
    });
  });

  it('joins blocks split across chunks at any byte', () => {
    const text = BLOCK + BLOCK.replace('frame=37', 'frame=45').replace('progress=continue', 'progress=end');
    for (const cut of [1, 7, 50, 180, text.length - 3]) {
      const parser = new ProgressParser();
      const out = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      expect(out.map((p) => [p.frame, p.end])).toEqual([
        [37, false],
        [45, true],
      ]);
    }
  });

  it('reads bitrate with its unit and ignores garbage lines', () => {
    const [p] = new ProgressParser().push(
      'junk\nframe=3\nbitrate= 812.4kbits/s\nout_time_us=-9223372036854775807\nprogress=continue\n',
    );
    expect(p?.bitrateKbps).toBeCloseTo(812.4);
    // ffmpeg prints INT64_MIN+1 as out_time_us before the first packet: not a time.
    expect(p?.outTimeUs).toBeUndefined();
  });
});
