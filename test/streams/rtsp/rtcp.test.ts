import { describe, expect, it } from 'vitest';
import { findSenderReport, looksLikeRtcp, ReceiverReporter } from '../../../src/streams/rtsp/rtcp.js';

/** A sender report as a camera sends it: SR (no report blocks) followed by an SDES. */
function senderReport(ssrc: number, ntpSec: number, ntpFrac: number): Buffer {
  const sr = Buffer.alloc(28);
  sr[0] = 0x80;
  sr[1] = 200;
  sr.writeUInt16BE(6, 2);
  sr.writeUInt32BE(ssrc, 4);
  sr.writeUInt32BE(ntpSec, 8);
  sr.writeUInt32BE(ntpFrac, 12);
  const sdes = Buffer.from([0x81, 202, 0, 2, 0, 0, 0xca, 0xfe, 1, 1, 0x78, 0]);
  return Buffer.concat([sdes.subarray(0, 0), sr, sdes]);
}

describe('RTCP receiver reports (RFC 3550 6.4.2)', () => {
  it('lays out RR + SDES CNAME with fraction lost, cumulative lost, extended max, jitter, LSR and DLSR', () => {
    const rr = new ReceiverReporter(0x11223344, 'camgate@127.0.0.1');
    const sr = findSenderReport(senderReport(0xcafe, 0x12345678, 0x9abcdef0), 1000);
    expect(sr).toEqual({ ssrc: 0xcafe, lsr: 0x56789abc, arrivedAtMs: 1000 });
    const out = rr.build(
      { ssrc: 0xcafe, extendedMax: 0x1_0010, expected: 200, received: 150, jitter: 450.4 },
      sr,
      1500,
    );
    expect(out.length % 4).toBe(0);
    expect(out[0]).toBe(0x81); // V=2, RC=1
    expect(out[1]).toBe(201);
    expect(out.readUInt16BE(2)).toBe(7);
    expect(out.readUInt32BE(4)).toBe(0x11223344);
    expect(out.readUInt32BE(8)).toBe(0xcafe);
    expect(out[12]).toBe(64); // 50 of 200 lost: 0.25 * 256
    expect(out.readUIntBE(13, 3)).toBe(50);
    expect(out.readUInt32BE(16)).toBe(0x1_0010);
    expect(out.readUInt32BE(20)).toBe(450);
    expect(out.readUInt32BE(24)).toBe(0x56789abc);
    expect(out.readUInt32BE(28)).toBe(32_768); // 0.5 s in 1/65536 s
    // SDES: one chunk with CNAME, END, padded.
    expect(out[32]).toBe(0x81);
    expect(out[33]).toBe(202);
    expect(out.readUInt32BE(36)).toBe(0x11223344);
    expect(out[40]).toBe(1);
    expect(out.subarray(42, 42 + (out[41] as number)).toString()).toBe('camgate@127.0.0.1');
    expect((out.readUInt16BE(34) + 1) * 4).toBe(out.length - 32);
  });

  it('reports the fraction lost since the previous report, not since the start', () => {
    const rr = new ReceiverReporter(1, 'x@y');
    rr.build({ ssrc: 9, extendedMax: 99, expected: 100, received: 50, jitter: 0 }, undefined, 0);
    const second = rr.build(
      { ssrc: 9, extendedMax: 199, expected: 200, received: 150, jitter: 0 },
      undefined,
      0,
    );
    expect(second[12]).toBe(0);
    expect(second.readUIntBE(13, 3)).toBe(50);
    expect(second.readUInt32BE(24)).toBe(0); // no SR seen: LSR and DLSR are zero
  });

  it('sends an RR without a report block before the first RTP packet', () => {
    const out = new ReceiverReporter(7, 'x@y').build(undefined, undefined, 0);
    expect(out[0]).toBe(0x80);
    expect(out.readUInt16BE(2)).toBe(1);
    expect(looksLikeRtcp(out)).toBe(true);
  });

  it('finds no sender report in a truncated or non-RTCP datagram', () => {
    const sr = senderReport(1, 2, 3);
    expect(findSenderReport(sr.subarray(0, 20), 0)).toBeUndefined();
    expect(findSenderReport(Buffer.from([0x00, 200, 0, 6]), 0)).toBeUndefined();
    expect(findSenderReport(Buffer.alloc(0), 0)).toBeUndefined();
  });
});
