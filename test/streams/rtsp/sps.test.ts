import { describe, expect, it } from 'vitest';
import { BitReader, unescapeRbsp } from '../../../src/streams/rtsp/bitReader.js';
import { parseH264Sps } from '../../../src/streams/rtsp/h264Sps.js';
import { parseH265Sps } from '../../../src/streams/rtsp/h265Sps.js';
import { extractSps } from '../../../src/streams/rtsp/nalUnits.js';

const b64 = (s: string): Buffer => Buffer.from(s, 'base64');

describe('bit reading', () => {
  it('removes emulation-prevention bytes only after two zeros', () => {
    expect([...unescapeRbsp(Uint8Array.from([0, 0, 3, 1, 0, 3, 0, 0, 3, 0, 0, 0, 3]))]).toEqual([
      0, 0, 1, 0, 3, 0, 0, 0, 0, 0,
    ]);
  });

  it('reads exp-Golomb codes', () => {
    // 1 | 010 | 011 | 00100 | 00101 → ue 0,1,2,3 then se of codeNum 4 = -2
    const r = new BitReader(Uint8Array.from([0b10100110, 0b01000010, 0b10000000]));
    expect([r.ue(), r.ue(), r.ue(), r.ue(), r.se()]).toEqual([0, 1, 2, 3, -2]);
  });

  it('throws RTSP_PROTOCOL past the end instead of reading garbage', () => {
    expect(() => new BitReader(Uint8Array.from([0])).ue()).toThrow(/truncated/);
  });
});

describe('H.264 SPS', () => {
  it('crops 1088 coded lines to 1080 (Hikvision DS-2CD2012-I, with 00 00 03 in the SPS)', () => {
    const sps = parseH264Sps(b64('Z00AKZpkA8ARPyzUBAQFAAADA+gAAOpgBA=='));
    expect(sps).toMatchObject({ codec: 'h264', profile: 'Main', width: 1920, height: 1080, level: 4.1 });
  });

  it('parses High profile with chroma_format_idc (Reolink 2560x1440)', () => {
    expect(parseH264Sps(b64('Z2QAM6zoAoALWQ=='))).toMatchObject({
      profile: 'High',
      profileIdc: 100,
      width: 2560,
      height: 1440,
    });
  });

  it('tolerates an Annex B start code glued after the SPS (GW Security)', () => {
    expect(parseH264Sps(b64('Z00AHpWoLQ9puAgICBAAAAAB'))).toMatchObject({ width: 720, height: 480 });
  });

  it('rejects a PPS passed as SPS', () => {
    expect(() => parseH264Sps(b64('aO48gA=='))).toThrow(/not an H.264 SPS/);
  });
});

describe('H.265 SPS', () => {
  it('parses TP-Link 2560x1440 Main', () => {
    const sps = parseH265Sps(b64('QgEBAWAAAAMAAAMAAAMAAAMAlqABQCAFof4qtO6JLuaAgA27oADN/mAE'));
    expect(sps).toMatchObject({ codec: 'h265', profile: 'Main', width: 2560, height: 1440, level: 5 });
  });

  it('parses Dahua sub stream 704x480 with conformance window', () => {
    expect(parseH265Sps(b64('QgEBAWAAAAMAsAAAAwAAAwBaoAWCAeFja5JFL83BQYFBAAADAAEAAAMADKE='))).toMatchObject({
      width: 704,
      height: 480,
    });
  });
});

describe('extractSps', () => {
  it('copies the SPS out of a reused read buffer (single NAL and STAP-A), not a view of it', () => {
    const sps = [0x67, 0x42, 0x00, 0x1e, 0xab];
    const read = Buffer.from([0xff, ...sps, 0xee]);
    const single = extractSps('h264', read, 1, sps.length);
    const stapA = Buffer.from([0x78, 0x00, sps.length, ...sps, 0x00, 0x02, 0x68, 0xce]);
    const aggregated = extractSps('h264', stapA, 0, stapA.length);
    read.fill(0);
    stapA.fill(0);
    expect([...(single ?? [])]).toEqual(sps);
    expect([...(aggregated ?? [])]).toEqual(sps);
  });
});
