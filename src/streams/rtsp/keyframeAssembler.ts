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
import { type ParameterSetKind, type ParameterSets, parameterSetKind } from './parameterSets.js';

/** A keyframe larger than this is refused: a sub-stream IDR is tens of kB, a 4K main-stream one < 2 MB. */
export const MAX_KEYFRAME_BYTES = 4 * 1024 * 1024;

/** A parameter set larger than this is garbage: real SPS/PPS/VPS are tens to hundreds of bytes. */
export const MAX_PARAMETER_SET_BYTES = 4096;

const START_CODE = Buffer.from([0, 0, 0, 1]);
const FRAG_SKIP = 'skip';
const FRAG_SLICE = 'slice';
/** What the open fragmented NAL unit is: not kept, a keyframe slice, or a parameter set. */
type Frag = typeof FRAG_SKIP | typeof FRAG_SLICE | ParameterSetKind;
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
  /** The open unit lost a packet (a sequence gap), as opposed to being joined mid-way or refused. */
  private lost = false;
  private fragments: Buffer[] | undefined;
  private fragKind: Frag = FRAG_SKIP;
  private fragBytes = 0;

  constructor(
    private readonly codec: 'h264' | 'h265',
    private readonly params: ParameterSets,
    private readonly onUnit: (annexB: Buffer) => void,
    private readonly onError: (err: CamgateError) => void,
    private readonly maxBytes = MAX_KEYFRAME_BYTES,
    /** A keyframe was seen but dropped because one of its packets was lost. */
    private readonly onLostKeyframe: () => void = () => undefined,
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
    // By byte arithmetic: no Buffer per packet while armed (only kept NAL units are copied).
    const ts =
      (data[offset + 4] as number) * 0x1000000 +
      (((data[offset + 5] as number) << 16) |
        ((data[offset + 6] as number) << 8) |
        (data[offset + 7] as number));
    // A lost packet spoils the open unit (it may have been its tail); had it been the head of the
    // next unit, that unit misses its first slice or its first fragment and is dropped too.
    if (this.started && seq !== this.nextSeq) {
      this.spoil();
      this.lost = true;
    }
    if (this.started && ts !== this.lastTs) this.endUnit();
    this.started = true;
    this.nextSeq = (seq + 1) & 0xffff;
    this.lastTs = ts;
    if (this.codec === 'h264') this.payloadH264(data, start, end);
    else this.payloadH265(data, start, end);
  }

  /** `d[s, e)`: the RTP payload, a view of the socket's reused buffer (#14). */
  private payloadH264(d: Uint8Array, s: number, e: number): void {
    const type = (d[s] as number) & 0x1f;
    if (type >= 1 && type <= 23) this.nal(d, s, e);
    else if (type === 24) this.aggregate(d, s + 1, e);
    else if (type === 28 && e - s > 2) {
      const fu = d[s + 1] as number;
      this.fragment(((d[s] as number) & 0xe0) | (fu & 0x1f), -1, d, s + 2, e, fu);
    }
    // STAP-B, MTAP, FU-B (interleaved mode): a unit we cannot rebuild.
    else this.spoil();
  }

  private payloadH265(d: Uint8Array, s: number, e: number): void {
    if (e - s < 3) return;
    const type = ((d[s] as number) >> 1) & 0x3f;
    if (type === 48) this.aggregate(d, s + 2, e);
    else if (type === 49 && e - s > 3) {
      const fu = d[s + 2] as number;
      this.fragment(((d[s] as number) & 0x81) | ((fu & 0x3f) << 1), d[s + 1] as number, d, s + 3, e, fu);
    }
    // PACI (type 50) is not used by cameras; anything else is one NAL unit.
    else if (type !== 50) this.nal(d, s, e);
  }

  /** STAP-A / AP: 16-bit sizes and NAL units from `pos`. */
  private aggregate(d: Uint8Array, pos: number, e: number): void {
    while (pos + 2 < e) {
      const size = ((d[pos] as number) << 8) | (d[pos + 1] as number);
      if (size === 0 || pos + 2 + size > e) {
        this.spoil();
        return;
      }
      this.nal(d, pos + 2, pos + 2 + size);
      pos += 2 + size;
    }
  }

  /**
   * FU-A / FU: `fu` is the FU header (S bit 0x80, E bit 0x40); `h0`, `h1` the rebuilt NAL header
   * (`h1` -1 for H.264). The NAL type is read at the start fragment: only IRAP slices and parameter
   * sets are buffered, and each piece is counted against the cap before it is copied (a camera
   * sending endless middle fragments cannot grow memory).
   */
  private fragment(h0: number, h1: number, d: Uint8Array, s: number, e: number, fu: number): void {
    if ((fu & 0x80) !== 0) {
      const next = e > s ? (d[s] as number) : -1;
      this.fragKind = this.begin(h0, Math.max(h1, 0), next);
      this.fragments = [];
      this.fragBytes = 0;
      const header = h1 < 0 ? [h0] : [h0, h1];
      if (this.fragKind === FRAG_SKIP || !this.count(header.length + START_CODE.length)) return;
      this.fragments.push(Buffer.from(header));
    } else if (this.fragments === undefined) {
      // A middle or end fragment whose start we never saw.
      this.broken = true;
      return;
    }
    if (this.fragKind === FRAG_SKIP) return;
    if (!this.count(e - s)) return;
    this.fragments.push(copy(d, s, e));
    if ((fu & 0x40) === 0) return;
    const whole = Buffer.concat(this.fragments);
    const kind = this.fragKind;
    this.fragments = undefined;
    if (kind === FRAG_SLICE) this.nals.push(whole);
    else this.params.inband(kind, whole);
  }

  /**
   * Counts `n` more bytes of the open fragment: a slice's against the keyframe cap (failing the
   * capture when over), a parameter set's against MAX_PARAMETER_SET_BYTES (the set is dropped).
   */
  private count(n: number): boolean {
    if (this.fragKind === FRAG_SLICE) return this.add(n);
    this.fragBytes += n;
    if (this.fragBytes <= MAX_PARAMETER_SET_BYTES) return true;
    this.fragKind = FRAG_SKIP;
    this.fragments = [];
    return false;
  }

  /** Adds `n` bytes to the open unit; over `maxBytes` the capture fails and the unit is spoilt. */
  private add(n: number): boolean {
    this.bytes += n;
    if (this.bytes <= this.maxBytes) return true;
    this.onError(
      new CamgateError('RTSP_TOO_LARGE', `keyframe access unit over ${this.maxBytes} bytes refused`),
    );
    this.spoil();
    this.fragKind = FRAG_SKIP;
    this.fragments = [];
    return false;
  }

  /**
   * What a NAL unit starting with header bytes `h0`, `h1` (and first payload byte `next`, -1 when
   * absent) is to this unit: a parameter set, a slice of a keyframe to keep, or nothing to keep.
   * Ends the open unit where the NAL unit starts a new one.
   */
  private begin(h0: number, h1: number, next: number): Frag {
    const set = parameterSetKind(this.codec, h0);
    if (set) return set;
    const role = this.codec === 'h264' ? h264Role(h0, next) : h265Role(h0, h1, next);
    const kind = role & ROLE_MASK;
    if (kind === ROLE_AUD && this.hasSlice) this.endUnit();
    // Only slices are kept: SEI, AUD, filler are not needed to decode, and a prefix SEI of the next
    // picture would otherwise trail this one's slices. A marker is not an end: cameras misplace it.
    if (kind !== ROLE_FIRST_SLICE && kind !== ROLE_SLICE) return FRAG_SKIP;
    if (kind === ROLE_FIRST_SLICE && this.hasSlice) this.endUnit();
    if (!this.hasSlice) {
      // Joined mid-picture (its first slice missing), or not a keyframe: nothing to keep.
      this.irap = (role & IS_IRAP) !== 0;
      if (kind !== ROLE_FIRST_SLICE || !this.irap) this.broken = true;
    }
    this.hasSlice = true;
    return this.broken ? FRAG_SKIP : FRAG_SLICE;
  }

  /** A whole NAL unit `d[s, e)`: a view of the socket's reused buffer (#14), copied only when kept. */
  private nal(d: Uint8Array, s: number, e: number): void {
    const hdr = this.codec === 'h264' ? 1 : 2;
    if (e - s < hdr) return;
    const what = this.begin(d[s] as number, d[s + 1] ?? 0, e - s > hdr ? (d[s + hdr] as number) : -1);
    if (what === FRAG_SKIP) return;
    if (what === FRAG_SLICE) {
      if (this.add(e - s + START_CODE.length)) this.nals.push(copy(d, s, e));
    } else if (e - s <= MAX_PARAMETER_SET_BYTES) this.params.inband(what, copy(d, s, e));
  }

  private spoil(): void {
    this.broken = true;
    this.fragments = undefined;
    this.nals = [];
    this.bytes = 0;
  }

  private endUnit(): void {
    if (this.irap && this.lost) this.onLostKeyframe();
    const sets = this.irap && !this.broken && this.nals.length > 0 ? this.params.complete() : undefined;
    const setBytes = sets?.reduce((n, set) => n + set.length + START_CODE.length, 0) ?? 0;
    if (sets && this.bytes + setBytes > this.maxBytes) {
      this.onError(
        new CamgateError('RTSP_TOO_LARGE', `keyframe access unit over ${this.maxBytes} bytes refused`),
      );
    } else if (sets) {
      const parts: Buffer[] = [];
      for (const nal of [...sets, ...this.nals, END_OF_SEQUENCE[this.codec]]) parts.push(START_CODE, nal);
      this.onUnit(Buffer.concat(parts));
    }
    this.nals = [];
    this.bytes = 0;
    this.hasSlice = false;
    this.irap = false;
    this.broken = false;
    this.lost = false;
    this.fragments = undefined;
  }
}

/** A copy of `d[s, e)`: one allocation, for a NAL unit or piece that is kept. */
function copy(d: Uint8Array, s: number, e: number): Buffer {
  const out = Buffer.allocUnsafe(e - s);
  out.set(d.subarray(s, e));
  return out;
}
