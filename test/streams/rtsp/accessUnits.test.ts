import { describe, expect, it } from 'vitest';
import { AccessUnitTracker } from '../../../src/streams/rtsp/accessUnits.js';
import { NAL_KEYFRAME, NAL_PICTURE, NAL_SPS } from '../../../src/streams/rtsp/nalUnits.js';
import { RtpStats } from '../../../src/streams/rtsp/rtpStats.js';
import { type ReplayOptions, readCapture, replay } from '../helpers/rtpCapture.js';

/**
 * Real packets from GStreamer's rtph264pay/rtph265pay (testdata/rtp/capture.sh): 2 s of 25 fps,
 * 50 pictures, an IRAP every 10 (5 keyframes). The shared corpus has RTSP text but no RTP, so
 * these are the real packets; camera faults are written into copies of them (rtpCapture.ts).
 */
const CAPTURES = [
  { file: 'gst-h264-fua.rtp', codec: 'h264', shape: 'SEI in FU-A, SPS/PPS single, IDR in FU-A' },
  { file: 'gst-h264-stapa.rtp', codec: 'h264', shape: 'STAP-A [SEI, SPS, PPS], single-NAL slices' },
  { file: 'gst-h264-slices.rtp', codec: 'h264', shape: '4 slices a picture, SPS/PPS before every IDR slice' },
  { file: 'gst-h264-bframes.rtp', codec: 'h264', shape: 'B-frames: timestamps out of sending order' },
  { file: 'gst-h265-fu.rtp', codec: 'h265', shape: 'VPS/SPS/PPS single, IRAP in FU' },
  { file: 'gst-h265-ap.rtp', codec: 'h265', shape: 'AP [VPS, SPS, PPS, IRAP]' },
] as const;

const MUTATIONS: { name: string; options: ReplayOptions }[] = [
  { name: 'as sent', options: {} },
  { name: 'every timestamp the same (issue #12)', options: { timestamps: 'constant' } },
  { name: 'timestamps jumping back at every loop', options: { timestamps: 'restart' } },
  { name: 'marker on every packet', options: { markers: 'all' } },
  { name: 'no marker at all', options: { markers: 'none' } },
  { name: 'constant timestamps and no marker', options: { timestamps: 'constant', markers: 'none' } },
];

function run(codec: 'h264' | 'h265', file: string, options: ReplayOptions) {
  const { packets, arrivals } = replay(readCapture(file), { loops: 4, ...options });
  const stats = new RtpStats(codec);
  for (const [i, p] of packets.entries()) stats.onPacket(p, 0, p.length, arrivals[i] ?? 0);
  const end = (arrivals.at(-1) ?? 0) + 40;
  return { stats, window: stats.takeWindow(end) };
}

describe('access units in real packets', () => {
  for (const c of CAPTURES) {
    for (const m of MUTATIONS) {
      it(`${c.file} (${c.shape}), ${m.name}: 200 pictures, 20 keyframes`, () => {
        const { window } = run(c.codec, c.file, m.options);
        expect(window.frames).toBe(200);
        expect(window.keyframes).toBe(20);
        expect(window.frozen).toBe(false);
      });
    }
  }

  it('the captures are what the table says (a broken capture.sh cannot pass silently)', () => {
    const slices = readCapture('gst-h264-slices.rtp');
    expect(slices.length).toBeGreaterThan(150); // 4 slices and SPS/PPS per IDR slice
    const stap = readCapture('gst-h264-stapa.rtp');
    expect((stap[0]?.[12] ?? 0) & 0x1f).toBe(24);
    const ap = readCapture('gst-h265-ap.rtp');
    expect(((ap[0]?.[12] ?? 0) >> 1) & 0x3f).toBe(48);
    const fu = readCapture('gst-h265-fu.rtp');
    expect(fu.some((p) => (((p[12] ?? 0) >> 1) & 0x3f) === 49)).toBe(true);
  });

  it('keeps GStreamer multi-slice IDRs at one picture although SPS/PPS sit between the slices', () => {
    const tracker = new AccessUnitTracker('h264');
    let pictures = 0;
    for (const p of readCapture('gst-h264-slices.rtp')) {
      const flags = tracker.onPacket(p, 12, p.length, p.readUInt32BE(4), (p[1] ?? 0) >= 0x80, false);
      if ((flags & NAL_PICTURE) !== 0) pictures += 1;
    }
    expect(pictures).toBe(50);
    expect(tracker.splitByNalUnits).toBe(15); // 3 later IDR slices in each of 5 IDR pictures
  });

  it('recognises markers on every packet as misplaced in a multi-slice stream', () => {
    const tracker = new AccessUnitTracker('h264');
    const { packets } = replay(readCapture('gst-h264-slices.rtp'), { markers: 'all' });
    for (const p of packets) tracker.onPacket(p, 12, p.length, p.readUInt32BE(4), true, false);
    expect(tracker.misplacedMarkers).toBe(50 * 3); // the 3 later slices of every picture
  });
});

describe('timestamp verdict and fps on real packets', () => {
  for (const c of CAPTURES) {
    it(`${c.file}: timestamps as sent are usable, fps from RTP time`, () => {
      const { window } = run(c.codec, c.file, {});
      expect(window.timestampFault).toBeUndefined();
      expect(window.fpsSource).toBe('rtp');
      expect(window.fps).toBeGreaterThan(23);
      expect(window.fps).toBeLessThan(27);
      expect(window.keyframeIntervalS).toBeCloseTo(0.4, 2);
    });

    it(`${c.file}: constant timestamps → fault 'constant', fps and GOP from arrival`, () => {
      const { window } = run(c.codec, c.file, { timestamps: 'constant' });
      expect(window.timestampFault).toBe('constant');
      expect(window.fpsSource).toBe('arrival');
      expect(window.fps).toBeCloseTo(25, 0);
      expect(window.keyframeIntervalS).toBeCloseTo(0.4, 2);
    });

    it(`${c.file}: timestamps back at every loop → fault 'jumps', fps from arrival`, () => {
      const { window } = run(c.codec, c.file, { timestamps: 'restart' });
      expect(window.timestampFault).toBe('jumps');
      expect(window.fps).toBeCloseTo(25, 0);
    });
  }
});

/** Hand-built payloads for what the captures do not show; `ts` advances one picture per call unless fixed. */
function h264(
  tracker: AccessUnitTracker,
  payload: number[],
  o: { ts?: number; marker?: boolean; gap?: boolean } = {},
) {
  const b = Uint8Array.from(payload);
  return tracker.onPacket(b, 0, b.length, o.ts ?? 0, o.marker ?? false, o.gap ?? false);
}

describe('access units in hand-built packets', () => {
  it('FU-A: only the start fragment of a first slice starts a picture', () => {
    const t = new AccessUnitTracker('h264');
    expect(h264(t, [0x7c, 0x85, 0x88, 0])).toBe(NAL_PICTURE | NAL_KEYFRAME); // start, IDR, first_mb 0
    expect(h264(t, [0x7c, 0x05, 0x88, 0])).toBe(0); // middle fragment: its bytes are slice data
    expect(h264(t, [0x7c, 0x45, 0x88, 0], { marker: true })).toBe(0); // end fragment
    expect(h264(t, [0x7c, 0x81, 0x9a, 0])).toBe(NAL_PICTURE); // next picture, same timestamp
    expect(h264(t, [0x7c, 0x81, 0x40, 0])).toBe(0); // its second slice (first_mb 1)
  });

  it('STAP-A: parameter sets alone are no picture; with an IDR slice they are one', () => {
    const t = new AccessUnitTracker('h264');
    expect(h264(t, [0x78, 0, 3, 0x67, 0x64, 0, 0, 2, 0x68, 0xeb])).toBe(NAL_SPS);
    const withIdr = [0x78, 0, 3, 0x67, 0x64, 0, 0, 2, 0x68, 0xeb, 0, 2, 0x65, 0x88];
    expect(h264(t, withIdr, { ts: 3600 })).toBe(NAL_SPS | NAL_PICTURE | NAL_KEYFRAME);
    expect(h264(t, [0x78, 0, 0])).toBe(0); // a zero size stops the walk
    expect(h264(t, [0x78, 0, 9, 0x67])).toBe(0); // a size past the end stops the walk
  });

  it('AUD, SEI, filler and end-of-sequence alone are no picture, whatever the timestamps do', () => {
    const t = new AccessUnitTracker('h264');
    for (let i = 0; i < 50; i++) {
      expect(h264(t, [0x09, 0xf0], { ts: i * 3600 })).toBe(0);
      expect(h264(t, [0x06, 0x05, 0x10], { ts: i * 3600 })).toBe(0);
      expect(h264(t, [0x0c, 0xff], { ts: i * 3600, marker: true })).toBe(0);
    }
    expect(h264(t, [0x0a], { ts: 0 })).toBe(0);
  });

  it('a later slice starts a picture when its first slice was lost, not after a bare marker', () => {
    const t = new AccessUnitTracker('h264');
    expect(h264(t, [0x41, 0x9a], { marker: true })).toBe(NAL_PICTURE);
    expect(h264(t, [0x41, 0x40], { marker: true })).toBe(0); // marker misplaced
    expect(t.misplacedMarkers).toBe(1);
    expect(h264(t, [0x41, 0x40], { gap: true })).toBe(NAL_PICTURE); // lost first slice, same ts
    expect(h264(t, [0x41, 0x40], { ts: 3600 })).toBe(NAL_PICTURE); // new timestamp
  });

  it('H.265: FU start of a first slice segment, AP of parameter sets, enhancement layers', () => {
    const t = new AccessUnitTracker('h265');
    const fu = (se: number, type: number, next: number) => Uint8Array.from([49 << 1, 1, se | type, next]);
    const h265 = (b: Uint8Array, ts = 0) => t.onPacket(b, 0, b.length, ts, false, false);
    expect(h265(fu(0x80, 19, 0xaf))).toBe(NAL_PICTURE | NAL_KEYFRAME); // IDR_W_RADL, first segment
    expect(h265(fu(0x00, 19, 0xaf))).toBe(0); // continuation fragment
    expect(h265(fu(0x80, 19, 0x2f))).toBe(0); // a later slice segment of the same picture
    expect(h265(fu(0x80, 21, 0xaf))).toBe(NAL_PICTURE | NAL_KEYFRAME); // CRA
    expect(h265(Uint8Array.from([1 << 1, 1, 0xd0]))).toBe(NAL_PICTURE); // TRAIL_R, single NAL
    const ap = Uint8Array.from([48 << 1, 1, 0, 2, 32 << 1, 1, 0, 3, 33 << 1, 1, 1, 0, 2, 34 << 1, 1]);
    expect(h265(ap)).toBe(NAL_SPS);
    expect(h265(Uint8Array.from([1 << 1, 1 | (1 << 3), 0xd0]))).toBe(0); // nuh_layer_id 1
    expect(h265(Uint8Array.from([35 << 1, 1, 0x10]))).toBe(0); // AUD
  });

  it('other codecs: a new timestamp or a marker delimits pictures', () => {
    const t = new AccessUnitTracker('other');
    const p = Uint8Array.from([0, 0, 0, 0]);
    expect(t.onPacket(p, 0, 4, 0, false, false)).toBe(NAL_PICTURE);
    expect(t.onPacket(p, 0, 4, 0, true, false)).toBe(0);
    expect(t.onPacket(p, 0, 4, 0, true, false)).toBe(NAL_PICTURE);
    expect(t.onPacket(p, 0, 4, 3000, false, false)).toBe(NAL_PICTURE);
  });
});
