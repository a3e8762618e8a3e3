import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/shared/clock.js';
import { reduceToThumbnail } from '../../../src/streams/ffmpeg/thumbnail.js';
import { KeyframeAssembler } from '../../../src/streams/rtsp/keyframeAssembler.js';
import {
  MAX_PARAMETER_SETS,
  ParameterSets,
  parameterSetId,
} from '../../../src/streams/rtsp/parameterSets.js';
import { readCapture } from '../helpers/rtpCapture.js';

/** Bits of `bytes` after the header byte, as a '0'/'1' string. */
function bits(bytes: Buffer): string {
  return [...bytes.subarray(1)].map((b) => b.toString(2).padStart(8, '0')).join('');
}

/** The real PPS with pic_parameter_set_id 0 rewritten to `id` (ue(v)), RBSP trailing bits kept. */
function ppsWithId(pps: Buffer, id: number): Buffer {
  const rest = bits(pps);
  expect(rest[0]).toBe('1'); // ue(0)
  const code = (id + 1).toString(2);
  const body = `${'0'.repeat(code.length - 1)}${code}${rest.slice(1).replace(/10*$/, '')}1`;
  const padded = body.padEnd(Math.ceil(body.length / 8) * 8, '0');
  const out = [pps[0] as number];
  for (let i = 0; i < padded.length; i += 8) out.push(Number.parseInt(padded.slice(i, i + 8), 2));
  return Buffer.from(out);
}

describe('parameter sets kept by kind and id', () => {
  const packets = readCapture('gst-h264-fua.rtp');
  const sps = (packets.find((p) => ((p[12] as number) & 0x1f) === 7) as Buffer).subarray(12);
  const pps = (packets.find((p) => ((p[12] as number) & 0x1f) === 8) as Buffer).subarray(12);

  it('reads the ids of real sets (H.264 and H.265) and refuses truncated ones', () => {
    expect(parameterSetId('h264', 'sps', sps)).toBe(0);
    expect(parameterSetId('h264', 'pps', pps)).toBe(0);
    expect(parameterSetId('h264', 'pps', ppsWithId(pps, 1))).toBe(1);
    expect(parameterSetId('h264', 'pps', ppsWithId(pps, 5))).toBe(5);
    const h265 = readCapture('gst-h265-fu.rtp');
    const [vps, hsps, hpps] = [0, 1, 2].map((i) => (h265[i] as Buffer).subarray(12));
    expect(parameterSetId('h265', 'vps', vps as Buffer)).toBe(0);
    expect(parameterSetId('h265', 'sps', hsps as Buffer)).toBe(0);
    expect(parameterSetId('h265', 'pps', hpps as Buffer)).toBe(0);
    expect(parameterSetId('h264', 'sps', sps.subarray(0, 3))).toBeUndefined();
  });

  it('two PPS ids are both kept (the later one does not replace the first), a same id is replaced', async () => {
    const params = new ParameterSets('h264');
    params.inband('sps', Buffer.from(sps));
    params.inband('pps', Buffer.from(pps));
    const second = ppsWithId(pps, 1);
    params.inband('pps', second);
    expect(params.complete()?.map((b) => b.toString('hex'))).toEqual(
      [sps, pps, second].map((b) => b.toString('hex')),
    );
    params.inband('pps', Buffer.from(pps));
    expect(params.complete()).toHaveLength(3);
    // A keyframe with both sets still decodes to the same picture as with the camera's one.
    const units: Buffer[] = [];
    const plain: Buffer[] = [];
    const withTwo = new KeyframeAssembler(
      'h264',
      params,
      (u) => units.push(u),
      () => undefined,
    );
    const one = new KeyframeAssembler(
      'h264',
      new ParameterSets('h264'),
      (u) => plain.push(u),
      () => undefined,
    );
    for (const p of packets) one.onPacket(p, 0, p.length);
    for (const p of packets) withTwo.onPacket(p, 0, p.length);
    expect(units.length).toBeGreaterThan(0);
    const thumbs = async (u: Buffer[]) =>
      (
        await reduceToThumbnail(
          { clock: systemClock },
          {
            source: { kind: 'annexb', codec: 'h264', units: u.slice(0, 1) },
            width: 64,
            height: 36,
            timeoutMs: 20_000,
          },
        )
      ).raws;
    expect((await thumbs(units))[0]?.equals((await thumbs(plain))[0] as Buffer)).toBe(true);
  });

  it('bounded in number', () => {
    const params = new ParameterSets('h264');
    params.inband('sps', Buffer.from(sps));
    for (let id = 0; id < 100; id++) params.inband('pps', ppsWithId(pps, id));
    const sets = params.complete() ?? [];
    // A flood of one kind evicts that kind's oldest, never the SPS the keyframes need.
    expect(sets).toHaveLength(1 + MAX_PARAMETER_SETS);
    expect(sets[0]?.equals(sps)).toBe(true);
    expect(parameterSetId('h264', 'pps', sets.at(-1) as Buffer)).toBe(99);
  });
});
