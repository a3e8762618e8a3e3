import { describe, expect, it } from 'vitest';
import { type TimestampFault, TimestampJudge } from '../../../src/streams/rtsp/rtpTimestamps.js';

/** Pictures arrive every 40 ms (25 fps); `tsOf(i)` is the RTP timestamp the camera puts on picture i. */
function judge(pictures: number, tsOf: (i: number) => number, t0 = 0, j = new TimestampJudge(90_000)) {
  for (let i = 0; i < pictures; i++) j.onPicture(tsOf(i) >>> 0, t0 + i * 40);
  return j;
}

const FRAME = 3600;

const CASES: { name: string; tsOf: (i: number) => number; fault: TimestampFault | undefined }[] = [
  { name: 'steady 25 fps', tsOf: (i) => 1000 + i * FRAME, fault: undefined },
  { name: 'steady across the 32-bit wrap', tsOf: (i) => 0xffff_ff00 + i * FRAME, fault: undefined },
  // I P B B in sending order: presentation timestamps step back by up to two frames.
  { name: 'B-frames (IPBB order)', tsOf: (i) => FRAME * (i % 3 === 0 ? i + 2 : i - 1), fault: undefined },
  {
    name: 'interlaced fields sharing a timestamp in pairs',
    tsOf: (i) => FRAME * Math.floor(i / 2) * 2,
    fault: undefined,
  },
  { name: 'one timestamp for every picture (issue #12)', tsOf: () => 12_345, fault: 'constant' },
  { name: 'back to the start of a 1 s loop', tsOf: (i) => (i % 25) * FRAME, fault: 'jumps' },
  { name: 'restart at every 1.2 s GOP', tsOf: (i) => (i % 30) * FRAME, fault: 'jumps' },
  // Back by less than the B-frame allowance each time, so no jump, but no progress either.
  { name: 'restart at every 8-picture GOP', tsOf: (i) => (i % 8) * FRAME, fault: 'rate' },
  { name: 'a millisecond clock sent as 90 kHz', tsOf: (i) => i * 40, fault: 'rate' },
  { name: 'forward leaps of a minute', tsOf: (i) => i * 90_000 * 60, fault: 'jumps' },
  // Firmware with a 16-bit timestamp counter: it wraps every 0.73 s at 90 kHz.
  { name: 'a 16-bit counter wrapping', tsOf: (i) => (i * FRAME) % 65_536, fault: 'jumps' },
];

describe('RTP timestamp verdict', () => {
  for (const c of CASES) {
    it(`${c.name} → ${c.fault ?? 'usable'}`, () => {
      expect(judge(250, c.tsOf).fault).toBe(c.fault);
    });
  }

  it('forgives a single jump (a clock step, a wrap at a non-32-bit boundary)', () => {
    const j = judge(250, (i) => (i < 100 ? i * FRAME : 9_000_000 + i * FRAME));
    expect(j.fault).toBeUndefined();
  });

  it('forgives a 24-bit counter: it wraps once every 3 minutes, the timestamps tell time in between', () => {
    expect(judge(250, (i) => (0xfff000 + i * FRAME) % 0x1000000).fault).toBeUndefined();
  });

  it('judges a constant stream within two seconds', () => {
    expect(judge(50, () => 7).fault).toBe('constant');
  });

  it('clears a fault only after three clean epochs, so the reason does not flap', () => {
    const j = judge(100, () => 7);
    expect(j.fault).toBe('constant');
    judge(60, (i) => i * FRAME, 4000, j);
    expect(j.fault).toBe('constant');
    judge(200, (i) => (60 + i) * FRAME, 6400, j);
    expect(j.fault).toBeUndefined();
  });

  it('measures RTP fps from ordinary steps only: B-frames and one jump do not bend it', () => {
    const b = judge(250, (i) => FRAME * (i % 3 === 0 ? i + 2 : i - 1));
    expect(b.takeRtpFps()).toBeCloseTo(25, 0);
    const jumped = judge(250, (i) => (i < 100 ? i * FRAME : 9_000_000 + i * FRAME));
    expect(jumped.takeRtpFps()).toBeCloseTo(25, 1);
    expect(jumped.takeRtpFps()).toBeUndefined();
  });
});
