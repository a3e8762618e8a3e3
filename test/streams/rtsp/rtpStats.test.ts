import { describe, expect, it } from 'vitest';
import { RtpStats } from '../../../src/streams/rtsp/rtpStats.js';

function rtp(seq: number, ts: number, payload: number[], ssrc = 0x1234, marker = false): Buffer {
  const b = Buffer.alloc(12 + payload.length);
  b[0] = 0x80;
  b[1] = marker ? 0x80 | 96 : 96;
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE(ts >>> 0, 4);
  b.writeUInt32BE(ssrc, 8);
  Buffer.from(payload).copy(b, 12);
  return b;
}

/**
 * Feeds `frames` frames at `fps`, each one slice (first_mb_in_slice 0) in `perFrame` packets: a
 * single NAL unit packet, or FU-A fragments (start, middle..., end with the marker), as RFC 6184
 * packetizers send them. Every `gop`-th frame is an IDR.
 */
function feed(
  stats: RtpStats,
  o: {
    frames: number;
    fps: number;
    perFrame?: number;
    gop?: number;
    seq0?: number;
    ts0?: number;
    t0?: number;
    skipSeq?: Set<number>;
  },
): { seq: number; ts: number; t: number } {
  const perFrame = o.perFrame ?? 1;
  let seq = o.seq0 ?? 0;
  let ts = o.ts0 ?? 0;
  let t = o.t0 ?? 0;
  for (let f = 0; f < o.frames; f++) {
    const type = f % (o.gop ?? 1_000_000) === 0 ? 5 : 1;
    for (let p = 0; p < perFrame; p++) {
      const last = p === perFrame - 1;
      const fu = (p === 0 ? 0x80 : 0) | (last ? 0x40 : 0) | type;
      const payload = perFrame === 1 ? [0x60 | type, 0x9a] : [0x7c, fu, 0x9a];
      const pkt = rtp(seq, ts, payload, 0x1234, last);
      if (!o.skipSeq?.has(seq)) stats.onPacket(pkt, 0, pkt.length, t);
      seq = (seq + 1) & 0xffff;
    }
    ts = (ts + 90_000 / o.fps) >>> 0;
    t += 1000 / o.fps;
  }
  return { seq, ts, t };
}

describe('RtpStats', () => {
  it('measures fps from pictures, not packets', () => {
    const stats = new RtpStats('h264');
    const end = feed(stats, { frames: 25, fps: 25, perFrame: 4 });
    const w = stats.takeWindow(end.t);
    expect(w.frames).toBe(25);
    expect(w.packets).toBe(100);
    expect(w.fps).toBeCloseTo(25, 1);
    expect(w.lossPct).toBe(0);
    expect(w.frozen).toBe(false);
  });

  it('reports loss from sequence gaps, per window', () => {
    const stats = new RtpStats('h264');
    const skip = new Set([10, 11, 12, 13, 14]);
    const end = feed(stats, { frames: 100, fps: 25, skipSeq: skip });
    expect(stats.takeWindow(end.t).lossPct).toBeCloseTo(5, 1);
    const end2 = feed(stats, { frames: 50, fps: 25, seq0: end.seq, ts0: end.ts, t0: end.t });
    expect(stats.takeWindow(end2.t).lossPct).toBe(0);
  });

  it('counts no loss across a sequence-number and RTP-timestamp wrap', () => {
    const stats = new RtpStats('h264');
    const end = feed(stats, { frames: 50, fps: 25, seq0: 65_520, ts0: 0xffff_ffff - 90_000 });
    const w = stats.takeWindow(end.t);
    expect(w.lossPct).toBe(0);
    expect(w.fps).toBeCloseTo(25, 1);
    expect(w.frames).toBe(50);
  });

  it('measures the keyframe interval in seconds of RTP time', () => {
    const stats = new RtpStats('h264');
    const end = feed(stats, { frames: 100, fps: 25, gop: 50 });
    const w = stats.takeWindow(end.t);
    expect(w.keyframes).toBe(2);
    expect(w.keyframeIntervalS).toBeCloseTo(2, 2);
  });

  it('flags a frozen stream: packets keep coming under one timestamp, no new picture starts', () => {
    const stats = new RtpStats('h264');
    for (let i = 0; i < 40; i++) {
      const p = rtp(i, 1000, [0x41]);
      stats.onPacket(p, 0, p.length, i * 100);
    }
    expect(stats.takeWindow(4000).frozen).toBe(true);
    expect(stats.lastFrameAt).toBe(0);
    expect(stats.lastPacketAt).toBe(3900);
  });

  it('keeps jitter near zero for evenly paced frames and raises it for bursty arrival', () => {
    const even = new RtpStats('h264');
    const e = feed(even, { frames: 100, fps: 25 });
    expect(even.takeWindow(e.t).jitterMs).toBeLessThan(0.5);
    const bursty = new RtpStats('h264');
    for (let f = 0; f < 100; f++) {
      const p = rtp(f, f * 3600, [0x41]);
      bursty.onPacket(p, 0, p.length, f * 40 + (f % 2 === 0 ? 0 : 30));
    }
    expect(bursty.takeWindow(4000).jitterMs).toBeGreaterThan(10);
  });

  it('treats a new SSRC (camera encoder restart) as a fresh sequence, not as loss', () => {
    const stats = new RtpStats('h264');
    const end = feed(stats, { frames: 10, fps: 25 });
    const p = rtp(40_000, 5, [0x41], 0x9999);
    stats.onPacket(p, 0, p.length, end.t);
    expect(stats.takeWindow(end.t).lossPct).toBe(0);
  });

  it('ignores what is not RTP version 2', () => {
    const stats = new RtpStats('h264');
    const bad = Buffer.alloc(20);
    expect(stats.onPacket(bad, 0, bad.length, 0)).toBe(-1);
    expect(stats.takeWindow(1000).frames).toBe(0);
  });
});
