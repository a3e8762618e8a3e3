import { CamgateError } from '../../shared/errors.js';
import {
  h264Role,
  h265Role,
  IS_IRAP,
  ROLE_AUD,
  ROLE_FIRST_SLICE,
  ROLE_MASK,
  ROLE_SLICE,
} from './nalUnits.js';
import { type ParameterSets, parameterSetKind } from './parameterSets.js';

/** A keyframe larger than this is refused: a sub-stream IDR is tens of kB, a 4K main-stream one < 2 MB. */
export const MAX_KEYFRAME_BYTES = 4 * 1024 * 1024;

const START_CODE = Buffer.from([0, 0, 0, 1]);
/** End of sequence (H.264 type 10, H.265 type 36): the next unit in a batch is a new sequence. */
const END_OF_SEQUENCE = { h264: Buffer.from([0x0a]), h265: Buffer.from([0x48, 0x01]) };

/**
 * Turns one H.264/H.265 RTP stream into self-contained IRAP access units in Annex B (parameter
 * sets, then the picture's NAL units, then end of sequence), so a batch of them from many cameras
 * decodes in one ffmpeg run. Depacketization: RFC 6184 (single NAL, STAP-A, FU-A) and RFC 7798
 * (single, AP, FU); interleaved modes (STAP-B, MTAP, FU-B) and DONL are not handled, as in
 * accessUnits.ts. An access unit ends at a timestamp change, an AUD after a slice, or the first
 * slice of the next picture (first_mb_in_slice 0 / first_slice_segment_in_pic_flag, as in
 * accessUnits.ts, so the constant-timestamp encoders of issue #12 are split right too). Parameter
 * sets go to `params` (the latest in-band ones win over the SDP's). A keyframe with a lost packet,
 * joined mid-way, or with no parameter sets known is dropped (the caller waits for the next one);
 * one over `maxBytes` fails the capture (`RTSP_TOO_LARGE`).
 */
export class KeyframeAssembler {
  private started = false;
  private nextSeq = 0;
  private lastTs = 0;
  private nals: Buffer[] = [];
  private bytes = 0;
  private hasSlice = false;
  private irap = false;
  private broken = false;
  private fragments: Buffer[] | undefined;

  constructor(
    private readonly codec: 'h264' | 'h265',
    private readonly params: ParameterSets,
    private readonly onUnit: (annexB: Buffer) => void,
    private readonly onError: (err: CamgateError) => void,
    private readonly maxBytes = MAX_KEYFRAME_BYTES,
  ) {}

  /** One RTP packet (header included). Packets that are not RTP are ignored. */
  onPacket(data: Uint8Array, offset: number, length: number): void {
    if (length < 12 || ((data[offset] as number) & 0xc0) !== 0x80) return;
    const b0 = data[offset] as number;
    let start = offset + 12 + (b0 & 0x0f) * 4;
    let end = offset + length;
    if ((b0 & 0x10) !== 0 && start + 4 <= end)
      start += 4 + (((data[start + 2] as number) << 8) | (data[start + 3] as number)) * 4;
    if ((b0 & 0x20) !== 0) end -= data[end - 1] as number;
    if (start >= end) return;
    const seq = ((data[offset + 2] as number) << 8) | (data[offset + 3] as number);
    const ts = Buffer.from(data.buffer, data.byteOffset + offset + 4, 4).readUInt32BE(0);
    // A lost packet spoils the open unit (it may have been its tail); had it been the head of the
    // next unit, that unit misses its first slice or its first fragment and is dropped too.
    if (this.started && seq !== this.nextSeq) this.spoil();
    if (this.started && ts !== this.lastTs) this.endUnit();
    this.started = true;
    this.nextSeq = (seq + 1) & 0xffff;
    this.lastTs = ts;
    const payload = Buffer.from(data.buffer, data.byteOffset + start, end - start);
    if (this.codec === 'h264') this.payloadH264(payload);
    else this.payloadH265(payload);
  }

  private payloadH264(p: Buffer): void {
    const type = (p[0] as number) & 0x1f;
    if (type >= 1 && type <= 23) this.nal(p);
    else if (type === 24) this.aggregate(p, 1);
    else if (type === 28 && p.length > 2) {
      const fu = p[1] as number;
      this.fragment(Buffer.from([((p[0] as number) & 0xe0) | (fu & 0x1f)]), p.subarray(2), fu);
    }
    // STAP-B, MTAP, FU-B (interleaved mode): a unit we cannot rebuild.
    else this.spoil();
  }

  private payloadH265(p: Buffer): void {
    if (p.length < 3) return;
    const type = ((p[0] as number) >> 1) & 0x3f;
    if (type === 48) this.aggregate(p, 2);
    else if (type === 49 && p.length > 3) {
      const fu = p[2] as number;
      const header = Buffer.from([((p[0] as number) & 0x81) | ((fu & 0x3f) << 1), p[1] as number]);
      this.fragment(header, p.subarray(3), fu);
    }
    // PACI (type 50) is not used by cameras; anything else is one NAL unit.
    else if (type !== 50) this.nal(p);
  }

  private aggregate(p: Buffer, headerBytes: number): void {
    let pos = headerBytes;
    while (pos + 2 < p.length) {
      const size = p.readUInt16BE(pos);
      if (size === 0 || pos + 2 + size > p.length) {
        this.spoil();
        return;
      }
      this.nal(p.subarray(pos + 2, pos + 2 + size));
      pos += 2 + size;
    }
  }

  /** FU-A / FU: `fu` is the FU header (S bit 0x80, E bit 0x40). */
  private fragment(header: Buffer, body: Buffer, fu: number): void {
    if ((fu & 0x80) !== 0) {
      this.fragments = [header, Buffer.from(body)];
    } else if (this.fragments) {
      this.fragments.push(Buffer.from(body));
    } else {
      // A middle or end fragment whose start we never saw.
      this.broken = true;
      return;
    }
    if ((fu & 0x40) === 0) return;
    const whole = Buffer.concat(this.fragments);
    this.fragments = undefined;
    this.nal(whole, true);
  }

  /** `owned`: a fresh buffer (a rebuilt fragment); else a view of the socket's reused buffer (#14). */
  private nal(nal: Buffer, owned = false): void {
    const hdr = this.codec === 'h264' ? 1 : 2;
    if (nal.length < hdr) return;
    const set = parameterSetKind(this.codec, nal[0] as number);
    if (set) {
      this.params.inband(set, owned ? nal : Buffer.from(nal));
      return;
    }
    const next = nal.length > hdr ? (nal[hdr] as number) : -1;
    const role =
      this.codec === 'h264'
        ? h264Role(nal[0] as number, next)
        : h265Role(nal[0] as number, nal[1] ?? 0, next);
    const kind = role & ROLE_MASK;
    if (kind === ROLE_AUD && this.hasSlice) this.endUnit();
    // Only slices are kept: SEI, AUD, filler are not needed to decode, and a prefix SEI of the next
    // picture would otherwise trail this one's slices. A marker is not an end: cameras misplace it.
    if (kind !== ROLE_FIRST_SLICE && kind !== ROLE_SLICE) return;
    if (kind === ROLE_FIRST_SLICE && this.hasSlice) this.endUnit();
    if (!this.hasSlice) {
      // Joined mid-picture (its first slice missing), or not a keyframe: nothing to keep.
      this.irap = (role & IS_IRAP) !== 0;
      if (kind !== ROLE_FIRST_SLICE || !this.irap) this.broken = true;
    }
    this.hasSlice = true;
    if (this.broken) return;
    this.bytes += nal.length + START_CODE.length;
    if (this.bytes > this.maxBytes) {
      this.onError(
        new CamgateError('RTSP_TOO_LARGE', `keyframe access unit over ${this.maxBytes} bytes refused`),
      );
      this.spoil();
      return;
    }
    this.nals.push(owned ? nal : Buffer.from(nal));
  }

  private spoil(): void {
    this.broken = true;
    this.fragments = undefined;
    this.nals = [];
    this.bytes = 0;
  }

  private endUnit(): void {
    const sets = this.irap && !this.broken && this.nals.length > 0 ? this.params.complete() : undefined;
    if (sets) {
      const parts: Buffer[] = [];
      for (const nal of [...sets, ...this.nals, END_OF_SEQUENCE[this.codec]]) parts.push(START_CODE, nal);
      this.onUnit(Buffer.concat(parts));
    }
    this.nals = [];
    this.bytes = 0;
    this.hasSlice = false;
    this.irap = false;
    this.broken = false;
    this.fragments = undefined;
  }
}
