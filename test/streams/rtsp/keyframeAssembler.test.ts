import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../../src/shared/clock.js';
import type { CamgateError } from '../../../src/shared/errors.js';
import { reduceToThumbnail } from '../../../src/streams/ffmpeg/thumbnail.js';
import { KeyframeAssembler } from '../../../src/streams/rtsp/keyframeAssembler.js';
import { KeyframeCapture } from '../../../src/streams/rtsp/keyframeCapture.js';
import { ParameterSets } from '../../../src/streams/rtsp/parameterSets.js';
import { FakeClock } from '../../helpers/fakeClock.js';
import { useTempDir } from '../../helpers/tempDir.js';
import { readCapture, replay } from '../helpers/rtpCapture.js';

const run = promisify(execFile);
const TESTDATA = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'rtp');
const W = 64;
const H = 36;

/** Real packets of GStreamer's payloaders (testdata/rtp/capture.sh): 50 pictures, an IRAP every 10. */
const CAPTURES = [
  { file: 'gst-h264-fua.rtp', codec: 'h264', shape: 'IDR in FU-A' },
  { file: 'gst-h264-stapa.rtp', codec: 'h264', shape: 'STAP-A [SEI, SPS, PPS], single-NAL IDR' },
  { file: 'gst-h264-slices.rtp', codec: 'h264', shape: '4 slices a picture, SPS/PPS before every slice' },
  { file: 'gst-h264-bframes.rtp', codec: 'h264', shape: 'B-frames' },
  { file: 'gst-h265-fu.rtp', codec: 'h265', shape: 'IRAP in FU' },
  { file: 'gst-h265-ap.rtp', codec: 'h265', shape: 'AP [VPS, SPS, PPS, IRAP]' },
] as const;

function assemble(
  codec: 'h264' | 'h265',
  packets: readonly Buffer[],
  o: { params?: ParameterSets; maxBytes?: number } = {},
): { units: Buffer[]; errors: CamgateError[] } {
  const units: Buffer[] = [];
  const errors: CamgateError[] = [];
  const a = new KeyframeAssembler(
    codec,
    o.params ?? new ParameterSets(codec),
    (u) => units.push(u),
    (e) => errors.push(e),
    o.maxBytes,
  );
  for (const p of packets) a.onPacket(p, 0, p.length);
  return { units, errors };
}

async function thumbnails(codec: 'h264' | 'h265', units: readonly Buffer[]): Promise<Buffer[]> {
  const r = await reduceToThumbnail(
    { clock: systemClock },
    { source: { kind: 'annexb', codec, units }, width: W, height: H, timeoutMs: 20_000 },
  );
  return [...r.raws];
}

/** The same stream through GStreamer's own depayloader, decoded by ffmpeg: its keyframes' thumbnails. */
async function referenceThumbnails(file: string, codec: 'h264' | 'h265', dir: string): Promise<Buffer> {
  const out = path.join(dir, `${file}.es`);
  const enc = codec === 'h264' ? 'H264' : 'H265';
  await run('gst-launch-1.0', [
    '-q',
    ...['filesrc', `location=${path.join(TESTDATA, file)}`, '!'],
    `application/x-rtp-stream,media=video,clock-rate=90000,encoding-name=${enc}`,
    ...['!', 'rtpstreamdepay', '!', `rtp${codec}depay`, '!', `${codec}parse`, '!'],
    `video/x-${codec},stream-format=byte-stream,alignment=au`,
    ...['!', 'filesink', `location=${out}`],
  ]);
  const { stdout } = await run(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-f', codec === 'h264' ? 'h264' : 'hevc', '-i', out],
      ...[
        '-fps_mode',
        'passthrough',
        '-vf',
        `select=eq(pict_type\\,I),scale=${W}:${H}:flags=area,format=yuv420p`,
      ],
      ...['-f', 'rawvideo', 'pipe:1'],
    ],
    { encoding: 'buffer', maxBuffer: 1 << 24 },
  );
  return stdout;
}

function meanDiff(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < W * H; i++) sum += Math.abs((a[i] as number) - (b[i] as number));
  return sum / (W * H);
}

describe('keyframes depacketized from real RTP to Annex B', () => {
  for (const c of CAPTURES) {
    it(`${c.file} (${c.shape}): the 5 IRAP pictures, each decodable on its own`, async () => {
      const { units, errors } = assemble(c.codec, readCapture(c.file));
      expect(errors).toEqual([]);
      expect(units).toHaveLength(5);
      // One batch of all five gives five thumbnails, and each is the one that unit gives alone.
      const batch = await thumbnails(c.codec, units);
      expect(batch).toHaveLength(5);
      const alone = await thumbnails(c.codec, [units[2] as Buffer]);
      expect(alone[0]?.equals(batch[2] as Buffer)).toBe(true);
    });
  }

  for (const c of CAPTURES.filter((x) => x.file !== 'gst-h264-slices.rtp')) {
    it(`${c.file}: the thumbnails are byte for byte those of GStreamer's depayloader decoded by ffmpeg`, async () => {
      const dir = useTempDir('camgate-kf-');
      const ours = Buffer.concat(await thumbnails(c.codec, assemble(c.codec, readCapture(c.file)).units));
      expect(ours.equals(await referenceThumbnails(c.file, c.codec, dir))).toBe(true);
    });
  }

  it('4-slice keyframes come out whole (GStreamer repeats SPS/PPS before every slice; ffmpeg alone splits them)', async () => {
    const sliced = await thumbnails('h264', assemble('h264', readCapture('gst-h264-slices.rtp')).units);
    const whole = await thumbnails('h264', assemble('h264', readCapture('gst-h264-fua.rtp')).units);
    // The same test pattern encoded in one slice: close, while the pattern moves between keyframes.
    for (let i = 0; i < 5; i++) {
      expect(meanDiff(sliced[i] as Buffer, whole[i] as Buffer)).toBeLessThan(4);
      if (i > 0) expect(meanDiff(whole[i] as Buffer, whole[i - 1] as Buffer)).toBeGreaterThan(8);
    }
  });

  it('constant timestamps and no markers (issue #12 encoders): still split at the first slice of each picture', () => {
    const plain = assemble('h264', replay(readCapture('gst-h264-fua.rtp'), { loops: 2 }).packets).units;
    const broken = assemble(
      'h264',
      replay(readCapture('gst-h264-fua.rtp'), { loops: 2, timestamps: 'constant', markers: 'none' }).packets,
    ).units;
    expect(broken).toHaveLength(10);
    expect(broken.map((u) => u.toString('hex'))).toEqual(plain.map((u) => u.toString('hex')));
  });

  it('a lost packet inside a keyframe drops that keyframe only; the next ones come whole', async () => {
    const packets = readCapture('gst-h264-fua.rtp');
    const all = assemble('h264', packets).units;
    // The second IDR's FU-A fragments: drop one in the middle of them.
    const idr = packets.findIndex(
      (p, i) => i > 10 && (p[12] as number) === 0x7c && ((p[13] as number) & 0x1f) === 5,
    );
    expect(idr).toBeGreaterThan(0);
    const lossy = [...packets.slice(0, idr + 1), ...packets.slice(idr + 2)];
    const { units } = assemble('h264', lossy);
    expect(units.map((u) => u.toString('hex'))).toEqual(
      [all[0], ...all.slice(2)].map((u) => u?.toString('hex')),
    );
  });

  it('one packet of every IDR lost: no keyframe comes out, and each is counted as dropped for loss', async () => {
    const packets = readCapture('gst-h264-fua.rtp');
    // The second FU-A fragment of every IDR goes missing.
    const dropped = new Set(
      packets.flatMap((p, i) => ((p[12] as number) === 0x7c && (p[13] as number) === 0x85 ? [i + 1] : [])),
    );
    expect(dropped.size).toBe(5);
    const lossy = packets.filter((_, i) => !dropped.has(i));
    let lost = 0;
    const units: Buffer[] = [];
    const a = new KeyframeAssembler(
      'h264',
      new ParameterSets('h264'),
      (u) => units.push(u),
      () => undefined,
      undefined,
      () => {
        lost += 1;
      },
    );
    for (const p of lossy) a.onPacket(p, 0, p.length);
    expect(units).toEqual([]);
    expect(lost).toBe(5);
    // The capture gives up early with its own code (the sampler then falls back to ffmpeg).
    const clock = new FakeClock({ wall: 0 });
    let disarmed = 0;
    const capture = new KeyframeCapture(
      'h264',
      undefined,
      clock,
      { count: 1, timeoutMs: 60_000, signal: new AbortController().signal },
      () => {
        disarmed += 1;
      },
    );
    for (const p of lossy) capture.onPacket(p, 0, p.length);
    const err = await capture.first.catch((e: unknown) => e);
    expect((err as CamgateError).code).toBe('RTSP_LOSSY');
    expect(disarmed).toBe(1);
    // No lost packet: a whole keyframe, as before.
    const clean = new KeyframeCapture(
      'h264',
      undefined,
      clock,
      { count: 1, timeoutMs: 60_000, signal: new AbortController().signal },
      () => undefined,
    );
    for (const p of packets) clean.onPacket(p, 0, p.length);
    expect(await clean.first).toBeInstanceOf(Buffer);
  });

  it('joined mid-keyframe, parameter sets only in the SDP (H.265): that keyframe is dropped, not decoded half', () => {
    const packets = readCapture('gst-h265-fu.rtp');
    const all = assemble('h265', packets).units;
    // rtph265pay sent VPS/SPS/PPS once, before the first IRAP: here they come as the SDP's sprops.
    const fmtp = {
      'sprop-vps': (packets[0] as Buffer).subarray(12).toString('base64'),
      'sprop-sps': (packets[1] as Buffer).subarray(12).toString('base64'),
      'sprop-pps': (packets[2] as Buffer).subarray(12).toString('base64'),
    };
    // Joined in the middle of the first IRAP's fragments.
    const joined = packets.slice(4);
    expect(assemble('h265', joined).units).toEqual([]);
    const { units } = assemble('h265', joined, { params: new ParameterSets('h265', fmtp) });
    expect(units.map((u) => u.toString('hex'))).toEqual(all.slice(1).map((u) => u.toString('hex')));
  });

  it('parameter sets from the SDP when the stream sends none in-band (H.264)', async () => {
    const packets = readCapture('gst-h264-fua.rtp');
    const withSets = assemble('h264', packets).units;
    const isSet = (p: Buffer): boolean => [7, 8].includes((p[12] as number) & 0x1f);
    const sprop = packets
      .filter(isSet)
      .slice(0, 2)
      .map((p) => p.subarray(12).toString('base64'))
      .join(',');
    // A camera that never sends them in-band: no gap in its sequence numbers either.
    const seq0 = (packets[0] as Buffer).readUInt16BE(2);
    const stripped = packets
      .filter((p) => !isSet(p))
      .map((p, i) => {
        const copy = Buffer.from(p);
        copy.writeUInt16BE((seq0 + i) & 0xffff, 2);
        return copy;
      });
    expect(assemble('h264', stripped).units).toEqual([]);
    const params = new ParameterSets('h264', { 'sprop-parameter-sets': sprop });
    const units = assemble('h264', stripped, { params }).units;
    expect(units).toHaveLength(5);
    const [a, b] = [await thumbnails('h264', units), await thumbnails('h264', withSets)];
    expect(Buffer.concat(a).equals(Buffer.concat(b))).toBe(true);
  });

  it('a keyframe over the size cap is refused with RTSP_TOO_LARGE and never buffered whole', () => {
    const { units, errors } = assemble('h265', readCapture('gst-h265-fu.rtp'), { maxBytes: 1000 });
    expect(errors[0]?.code).toBe('RTSP_TOO_LARGE');
    expect(errors[0]?.message).toContain('1000 bytes');
    expect(units.every((u) => u.length <= 1000)).toBe(true);
  });

  it('endless middle fragments of a keyframe: RTSP_TOO_LARGE at the cap, before the pieces are buffered', () => {
    const packets = readCapture('gst-h264-fua.rtp');
    // The first IDR's FU-A start and one of its middle fragments, real bytes.
    const startAt = packets.findIndex((p) => (p[12] as number) === 0x7c && (p[13] as number) === 0x85);
    expect(startAt).toBeGreaterThanOrEqual(0);
    const head = packets.slice(0, startAt + 1);
    const middle = packets[startAt + 1] as Buffer;
    expect((middle[13] as number) & 0xc0).toBe(0);
    const errors: CamgateError[] = [];
    const a = new KeyframeAssembler(
      'h264',
      new ParameterSets('h264'),
      () => undefined,
      (e) => errors.push(e),
      20_000,
    );
    for (const p of head) a.onPacket(p, 0, p.length);
    let seq = (head.at(-1) as Buffer).readUInt16BE(2);
    let fed = 0;
    // A camera that never sends the end fragment: 10 000 middle pieces (about 10 MB) at most.
    while (errors.length === 0 && fed < 10_000) {
      const p = Buffer.from(middle);
      seq = (seq + 1) & 0xffff;
      p.writeUInt16BE(seq, 2);
      a.onPacket(p, 0, p.length);
      fed += 1;
    }
    expect(errors.map((e) => e.code)).toEqual(['RTSP_TOO_LARGE']);
    // Refused as the cap was crossed, not at the (never coming) end of the unit.
    expect(fed * (middle.length - 14)).toBeLessThan(20_000 + middle.length);
  });

  it('packets of pictures that are not kept cost no Buffer (no per-packet allocation while armed)', () => {
    const packets = readCapture('gst-h264-fua.rtp');
    const a = new KeyframeAssembler(
      'h264',
      new ParameterSets('h264'),
      () => undefined,
      () => undefined,
    );
    // The capture's first packets (sets, the first IDR), then P-slices only: nothing of those is kept.
    const firstP = packets.findIndex((p, i) => i > 3 && ((p[12] as number) & 0x1f) === 1);
    expect(firstP).toBeGreaterThan(0);
    // The first P-slice ends the IDR's unit (which is kept and concatenated): fed before counting.
    for (const p of packets.slice(0, firstP + 1)) a.onPacket(p, 0, p.length);
    const pSlices = packets.slice(firstP + 1).filter((p) => ((p[12] as number) & 0x1f) === 1);
    expect(pSlices.length).toBeGreaterThan(20);
    const from = vi.spyOn(Buffer, 'from');
    const alloc = vi.spyOn(Buffer, 'allocUnsafe');
    try {
      for (const p of pSlices.slice(0, 8)) a.onPacket(p, 0, p.length);
      expect(from.mock.calls.length + alloc.mock.calls.length).toBe(0);
    } finally {
      from.mockRestore();
      alloc.mockRestore();
    }
  });

  it('keyframes of cameras of different sizes and both codecs decode right in one batch per codec', async () => {
    const dir = useTempDir('camgate-kf-sizes-');
    const sizes = ['640x360', '160x120', '320x240'];
    for (const codec of ['h264', 'h265'] as const) {
      const units: Buffer[] = [];
      for (const size of sizes) {
        const file = path.join(dir, `${size}.${codec}`);
        await run('ffmpeg', [
          ...[
            '-hide_banner',
            '-loglevel',
            'error',
            '-y',
            '-f',
            'lavfi',
            '-i',
            `testsrc2=size=${size}:rate=25`,
          ],
          ...['-frames:v', '1', '-c:v', codec === 'h264' ? 'libx264' : 'libx265'],
          ...(codec === 'h265' ? ['-x265-params', 'log-level=error'] : []),
          ...['-pix_fmt', 'yuv420p', '-f', codec === 'h264' ? 'h264' : 'hevc', file],
        ]);
        units.push(fs.readFileSync(file));
      }
      // The captured 160x120 keyframes between them: an RTP camera beside the files.
      const captured = assemble(
        codec,
        readCapture(codec === 'h264' ? 'gst-h264-fua.rtp' : 'gst-h265-ap.rtp'),
      ).units;
      const mixed = [units[0], captured[0], units[1], captured[1], units[2]] as Buffer[];
      const batch = await thumbnails(codec, mixed);
      expect(batch).toHaveLength(mixed.length);
      for (const [i, unit] of mixed.entries()) {
        const [alone] = await thumbnails(codec, [unit]);
        expect(alone?.equals(batch[i] as Buffer), `${codec} picture ${i}`).toBe(true);
      }
    }
  });
});
