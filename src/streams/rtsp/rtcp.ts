/**
 * RTCP for a receive-only client (RFC 3550): receiver reports with an SDES CNAME (every compound
 * packet must carry one, 6.1), and the sender reports' NTP time for LSR/DLSR. Pure: bytes in and
 * out, the caller owns the sockets and the clock.
 */

const PT_SR = 200;
const PT_RR = 201;
const PT_SDES = 202;
const SDES_CNAME = 1;

/** What RtpStats knows about the one source it follows (RFC 3550 A.1 and A.8 figures). */
export interface ReceptionSnapshot {
  readonly ssrc: number;
  /** Extended highest sequence number received (cycles + max seq). */
  readonly extendedMax: number;
  readonly expected: number;
  readonly received: number;
  /** Interarrival jitter, RTP timestamp units. */
  readonly jitter: number;
}

/** The last sender report: LSR is the middle 32 bits of its NTP timestamp. */
export interface SenderReportSeen {
  readonly ssrc: number;
  readonly lsr: number;
  readonly arrivedAtMs: number;
}

/** Per-source state between two receiver reports (the "prior" figures of RFC 3550 A.3). */
export class ReceiverReporter {
  private expectedPrior = 0;
  private receivedPrior = 0;
  private lastSsrc: number | undefined;
  private readonly cname: Buffer;

  constructor(
    private readonly ownSsrc: number,
    cname: string,
  ) {
    this.cname = Buffer.from(cname.slice(0, 255), 'utf8').subarray(0, 255);
  }

  /** One compound RR + SDES packet; an RR without a report block before the first RTP packet. */
  build(source: ReceptionSnapshot | undefined, sr: SenderReportSeen | undefined, nowMs: number): Buffer {
    const block = source ? this.reportBlock(source, sr, nowMs) : undefined;
    const rrLength = 8 + (block ? 24 : 0);
    const sdesChunk = 4 + 2 + this.cname.length + 1;
    const sdesLength = 4 + Math.ceil(sdesChunk / 4) * 4;
    const out = Buffer.alloc(rrLength + sdesLength);
    out[0] = 0x80 | (block ? 1 : 0);
    out[1] = PT_RR;
    out.writeUInt16BE(rrLength / 4 - 1, 2);
    out.writeUInt32BE(this.ownSsrc, 4);
    block?.copy(out, 8);
    const s = rrLength;
    out[s] = 0x81;
    out[s + 1] = PT_SDES;
    out.writeUInt16BE(sdesLength / 4 - 1, s + 2);
    out.writeUInt32BE(this.ownSsrc, s + 4);
    out[s + 8] = SDES_CNAME;
    out[s + 9] = this.cname.length;
    this.cname.copy(out, s + 10);
    // The rest is zero already: the END item and the padding to a 32-bit boundary.
    return out;
  }

  private reportBlock(src: ReceptionSnapshot, sr: SenderReportSeen | undefined, nowMs: number): Buffer {
    if (src.ssrc !== this.lastSsrc) {
      this.lastSsrc = src.ssrc;
      this.expectedPrior = 0;
      this.receivedPrior = 0;
    }
    const expectedInterval = src.expected - this.expectedPrior;
    const lostInterval = expectedInterval - (src.received - this.receivedPrior);
    this.expectedPrior = src.expected;
    this.receivedPrior = src.received;
    const fraction =
      expectedInterval <= 0 || lostInterval <= 0
        ? 0
        : Math.min(255, Math.floor((lostInterval * 256) / expectedInterval));
    // 24-bit signed: duplicates can make it negative (RFC 3550 6.4.1).
    const cumulative = Math.max(-0x800000, Math.min(0x7fffff, src.expected - src.received));
    const b = Buffer.alloc(24);
    b.writeUInt32BE(src.ssrc >>> 0, 0);
    b.writeUInt32BE(((fraction << 24) | (cumulative & 0xffffff)) >>> 0, 4);
    b.writeUInt32BE(src.extendedMax >>> 0, 8);
    b.writeUInt32BE(Math.min(0xffffffff, Math.round(src.jitter)) >>> 0, 12);
    if (sr && sr.ssrc === src.ssrc) {
      b.writeUInt32BE(sr.lsr >>> 0, 16);
      // DLSR in 1/65536 s.
      const dlsr = Math.max(0, Math.round(((nowMs - sr.arrivedAtMs) / 1000) * 65_536));
      b.writeUInt32BE(Math.min(0xffffffff, dlsr) >>> 0, 20);
    }
    return b;
  }
}

/**
 * The sender report in a compound RTCP packet from the camera, if any. Malformed input yields
 * undefined (a hostile or broken peer costs nothing but the read).
 */
export function findSenderReport(data: Uint8Array, arrivedAtMs: number): SenderReportSeen | undefined {
  let at = 0;
  while (at + 4 <= data.length) {
    const b0 = data[at] as number;
    if ((b0 & 0xc0) !== 0x80) return undefined;
    const pt = data[at + 1] as number;
    const words = (((data[at + 2] as number) << 8) | (data[at + 3] as number)) + 1;
    const end = at + words * 4;
    if (end > data.length) return undefined;
    if (pt === PT_SR && words >= 7) {
      const ssrc = readU32(data, at + 4);
      const ntpSec = readU32(data, at + 8);
      const ntpFrac = readU32(data, at + 12);
      return { ssrc, lsr: (((ntpSec & 0xffff) << 16) | (ntpFrac >>> 16)) >>> 0, arrivedAtMs };
    }
    at = end;
  }
  return undefined;
}

/** RTCP, not RTP: version 2 and a packet type in the RTCP range (RFC 5761 4). */
export function looksLikeRtcp(data: Uint8Array): boolean {
  if (data.length < 8 || ((data[0] as number) & 0xc0) !== 0x80) return false;
  const pt = data[1] as number;
  return pt >= 192 && pt <= 223;
}

function readU32(data: Uint8Array, at: number): number {
  return (
    (((data[at] as number) << 24) |
      ((data[at + 1] as number) << 16) |
      ((data[at + 2] as number) << 8) |
      (data[at + 3] as number)) >>>
    0
  );
}
