import {
  h264Role,
  h265Role,
  IS_IRAP,
  IS_SPS,
  NAL_KEYFRAME,
  NAL_PICTURE,
  NAL_SPS,
  ROLE_AUD,
  ROLE_END,
  ROLE_FIRST_SLICE,
  ROLE_MASK,
  ROLE_OPENER,
  ROLE_SLICE,
} from './nalUnits.js';

/** Why the open access unit began; decides what a slice without a first-slice flag means. */
const OPENED_BY_NOTHING = 0;
const OPENED_BY_MARKER = 1;
const OPENED_BY_TIMESTAMP = 2;
const OPENED_BY_NAL = 3;
/** Not opened since the last slice: later NAL units are still in that slice's access unit. */
const OPENED_BY_SLICE = 4;

/**
 * Finds where coded pictures begin in an H.264/H.265 RTP stream without decoding, so frames are
 * counted by access units and not by RTP timestamp changes (field bug, issue #12: an encoder that
 * sends 25 pictures a second under one constant timestamp was reported stalled).
 *
 * The access unit model: one ends at the RTP marker (RFC 6184 §5.1, RFC 7798 §4.1) or at a
 * timestamp change, and one begins at an AUD, at SEI/parameter sets after a coded slice (H.264
 * 7.4.1.2.3, H.265 7.4.2.4.4), or at the first slice of a new picture (H.264 first_mb_in_slice == 0,
 * H.265 first_slice_segment_in_pic_flag). Only an access unit with a coded slice is a picture:
 * parameter sets, SEI, AUDs or filler alone are not video.
 *
 * Which signal decides: the first-slice flag, because every encoder writes it and it survives
 * constant timestamps and missing markers. Markers and parameter sets are often misplaced by real
 * packetizers (GStreamer 1.22 rtph264pay config-interval=-1 repeats SPS/PPS before every IDR slice
 * of a multi-slice picture; cameras that set the marker on every NAL unit), so a later slice after
 * them continues the picture. A later slice starts a picture only when the first slice is missing
 * for real: packets were lost, the timestamp changed (all packets of an access unit share one,
 * RFC 6184 §5.1), or the stream was joined mid-picture.
 *
 * Per packet it reads a few header bytes; STAP-A/AP are walked in place, and of an FU-A/FU only
 * the start fragment is looked at (it carries the NAL type and the start of the slice header).
 * Not handled: interleaved-mode packets (STAP-B, MTAP, FU-B), H.265 DONL fields and PACI, and
 * arbitrary slice order (H.264 Baseline ASO, which cameras do not use).
 */
export class AccessUnitTracker {
  private started = false;
  private lastTs = 0;
  /** The open access unit already has a coded slice of layer 0. */
  private hasSlice = false;
  private openedBy = OPENED_BY_NOTHING;
  private gap = false;
  /** Later slices straight after a marker with nothing lost: markers this sender misplaces. */
  misplacedMarkers = 0;
  /** Later slices straight after an AUD/SEI/parameter set with nothing lost (see the class comment). */
  splitByNalUnits = 0;

  constructor(private readonly codec: 'h264' | 'h265' | 'other') {}

  /** A new SSRC: forget the open access unit. */
  reset(): void {
    this.started = false;
    this.hasSlice = false;
    this.openedBy = OPENED_BY_NOTHING;
  }

  /**
   * One RTP packet's payload (`start`..`end` in `data`); `seqGap` when packets were lost just
   * before it. Returns NAL_PICTURE when a new picture starts here (once per picture), with
   * NAL_KEYFRAME when that picture is IRAP, and NAL_SPS when an SPS starts in the packet.
   */
  onPacket(
    data: Uint8Array,
    start: number,
    end: number,
    ts: number,
    marker: boolean,
    seqGap: boolean,
  ): number {
    const tsChanged = this.started && ts !== this.lastTs;
    if (!this.started || tsChanged) this.open(this.started ? OPENED_BY_TIMESTAMP : OPENED_BY_NOTHING);
    this.started = true;
    this.lastTs = ts;
    this.gap = seqGap;
    let flags = 0;
    if (this.codec === 'other') {
      // No NAL units to read (MJPEG, MPEG-4 part 2): the marker or a new timestamp delimits pictures.
      flags = this.hasSlice ? 0 : NAL_PICTURE;
      this.hasSlice = true;
    } else if (end > start) {
      flags = this.codec === 'h264' ? this.walkH264(data, start, end) : this.walkH265(data, start, end);
    }
    if (marker) this.open(OPENED_BY_MARKER);
    return flags;
  }

  private walkH264(d: Uint8Array, pos: number, end: number): number {
    const header = d[pos] as number;
    const type = header & 0x1f;
    if (type >= 1 && type <= 23)
      return this.nal(h264Role(header, pos + 1 < end ? (d[pos + 1] as number) : -1));
    if (type === 24) {
      // STAP-A: [16-bit size][NAL]...
      let flags = 0;
      let p = pos + 1;
      while (p + 2 < end) {
        const size = ((d[p] as number) << 8) | (d[p + 1] as number);
        if (size === 0 || p + 2 + size > end) break;
        flags |= this.nal(h264Role(d[p + 2] as number, size > 1 ? (d[p + 3] as number) : -1));
        p += 2 + size;
      }
      return flags;
    }
    if (type === 28 && pos + 1 < end) {
      const fu = d[pos + 1] as number;
      if ((fu & 0x80) === 0) return 0;
      return this.nal(h264Role(fu & 0x1f, pos + 2 < end ? (d[pos + 2] as number) : -1));
    }
    return 0;
  }

  private walkH265(d: Uint8Array, pos: number, end: number): number {
    if (pos + 1 >= end) return 0;
    const h0 = d[pos] as number;
    const h1 = d[pos + 1] as number;
    const type = (h0 >> 1) & 0x3f;
    if (type === 48) {
      // Aggregation packet: 2-byte payload header, then [16-bit size][NAL]...
      let flags = 0;
      let p = pos + 2;
      while (p + 3 < end) {
        const size = ((d[p] as number) << 8) | (d[p + 1] as number);
        if (size < 2 || p + 2 + size > end) break;
        const next = size > 2 ? (d[p + 4] as number) : -1;
        flags |= this.nal(h265Role(d[p + 2] as number, d[p + 3] as number, next));
        p += 2 + size;
      }
      return flags;
    }
    if (type === 49) {
      if (pos + 2 >= end) return 0;
      const fu = d[pos + 2] as number;
      if ((fu & 0x80) === 0) return 0;
      // The fragmented NAL unit's header is the payload header with the FU's type in it.
      const header = (h0 & 0x81) | ((fu & 0x3f) << 1);
      return this.nal(h265Role(header, h1, pos + 3 < end ? (d[pos + 3] as number) : -1));
    }
    if (type === 50) return 0;
    return this.nal(h265Role(h0, h1, pos + 2 < end ? (d[pos + 2] as number) : -1));
  }

  private nal(roleBits: number): number {
    const sps = (roleBits & IS_SPS) !== 0 ? NAL_SPS : 0;
    switch (roleBits & ROLE_MASK) {
      case ROLE_AUD:
      case ROLE_END:
        this.open(OPENED_BY_NAL);
        return sps;
      case ROLE_OPENER:
        // Parameter sets before the first slice belong to the same (IRAP) access unit.
        if (this.hasSlice || this.openedBy === OPENED_BY_MARKER) this.open(OPENED_BY_NAL);
        return sps;
      case ROLE_FIRST_SLICE:
        return this.slice(true, roleBits) | sps;
      case ROLE_SLICE:
        return this.slice(false, roleBits) | sps;
      default:
        return sps;
    }
  }

  private slice(first: boolean, roleBits: number): number {
    let picture = first;
    if (!first && !this.hasSlice) {
      // A later slice opening an access unit is a picture only if its first slice went missing: a
      // new timestamp, lost packets, or we joined mid-picture. After a marker or parameter sets with
      // nothing lost, the packetizer put them inside the picture (see the class comment).
      picture = this.gap || this.openedBy === OPENED_BY_TIMESTAMP || this.openedBy === OPENED_BY_NOTHING;
      if (!picture && this.openedBy === OPENED_BY_MARKER) this.misplacedMarkers += 1;
      if (!picture && this.openedBy === OPENED_BY_NAL) this.splitByNalUnits += 1;
    }
    this.hasSlice = true;
    this.openedBy = OPENED_BY_SLICE;
    if (!picture) return 0;
    return (roleBits & IS_IRAP) !== 0 ? NAL_PICTURE | NAL_KEYFRAME : NAL_PICTURE;
  }

  private open(by: number): void {
    this.hasSlice = false;
    this.openedBy = by;
  }
}
