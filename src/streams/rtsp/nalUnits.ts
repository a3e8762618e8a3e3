/**
 * What one NAL unit means to a monitor that does not decode: its role in delimiting access units
 * (H.264 7.4.1.2.3, H.265 7.4.2.4.4), whether it is an IRAP picture, whether it is an SPS. Reads the
 * NAL header and the first bit of the slice header only; never copies.
 */
export const NAL_KEYFRAME = 1;
export const NAL_SPS = 2;
/** A new coded picture (the first slice of an access unit that carries video) starts in this packet. */
export const NAL_PICTURE = 4;

/** Belongs to whatever access unit is open (filler data, suffix SEI, unknown types). */
export const ROLE_NONE = 0;
/** Opens a new access unit when it follows a coded slice: SEI, parameter sets, prefix NAL units. */
export const ROLE_OPENER = 1;
/** Access unit delimiter: always the first NAL unit of an access unit. */
export const ROLE_AUD = 2;
/** End of sequence / bitstream: the next NAL unit starts a new access unit. */
export const ROLE_END = 3;
/** Coded slice with first_mb_in_slice == 0 / first_slice_segment_in_pic_flag: a new picture. */
export const ROLE_FIRST_SLICE = 4;
/** Any other coded slice (or a slice whose header is not in the packet): part of a picture. */
export const ROLE_SLICE = 5;
export const ROLE_MASK = 7;
export const IS_IRAP = 8;
export const IS_SPS = 16;

/** `header` is the NAL header byte; `next` the first slice-header byte, or -1 when not in the packet. */
export function h264Role(header: number, next: number): number {
  const type = header & 0x1f;
  if (type === 1 || type === 2 || type === 5) {
    // first_mb_in_slice is ue(v) at the start of the slice header; the value 0 is the single bit "1".
    const role = next >= 0 && (next & 0x80) !== 0 ? ROLE_FIRST_SLICE : ROLE_SLICE;
    return type === 5 ? role | IS_IRAP : role;
  }
  // Data partitions B and C carry no slice header of their own; partition A (type 2) does.
  if (type === 3 || type === 4) return ROLE_SLICE;
  if (type === 9) return ROLE_AUD;
  if (type === 7) return ROLE_OPENER | IS_SPS;
  if (type === 6 || type === 8 || (type >= 14 && type <= 18)) return ROLE_OPENER;
  if (type === 10 || type === 11) return ROLE_END;
  return ROLE_NONE;
}

/** `h0`/`h1` are the two NAL header bytes; `next` the first slice-segment-header byte or -1. */
export function h265Role(h0: number, h1: number, next: number): number {
  const type = (h0 >> 1) & 0x3f;
  const layer = ((h0 & 1) << 5) | (h1 >> 3);
  if (type <= 31) {
    // Enhancement layers (SHVC/MV-HEVC) belong to the base layer's access unit; only layer 0 counts.
    if (layer !== 0) return ROLE_NONE;
    const role = next >= 0 && (next & 0x80) !== 0 ? ROLE_FIRST_SLICE : ROLE_SLICE;
    // IRAP pictures are BLA/IDR/CRA and the reserved IRAP types, 16..23 (H.265 table 7-1).
    return type >= 16 && type <= 23 ? role | IS_IRAP : role;
  }
  if (type === 35) return ROLE_AUD;
  if (type === 33) return layer === 0 ? ROLE_OPENER | IS_SPS : ROLE_OPENER;
  if (type === 32 || type === 34 || type === 39 || (type >= 41 && type <= 44)) return ROLE_OPENER;
  if (type === 36 || type === 37) return ROLE_END;
  return ROLE_NONE;
}

/** Copies out the first SPS in a single-NAL or aggregation payload; rare (only while size is unknown). */
export function extractSps(
  codec: 'h264' | 'h265',
  data: Uint8Array,
  offset: number,
  length: number,
): Uint8Array | undefined {
  const hdr = codec === 'h264' ? 1 : 2;
  const isSps = (b: number): boolean => (codec === 'h264' ? (b & 0x1f) === 7 : ((b >> 1) & 0x3f) === 33);
  const first = data[offset] as number;
  // A real copy: `data` is often a Buffer, whose slice() is a view of the socket's reused buffer.
  if (isSps(first)) return new Uint8Array(data.subarray(offset, offset + length));
  const aggregate = codec === 'h264' ? (first & 0x1f) === 24 : ((first >> 1) & 0x3f) === 48;
  if (!aggregate) return undefined;
  let pos = offset + hdr;
  const end = offset + length;
  while (pos + 2 < end) {
    const size = ((data[pos] as number) << 8) | (data[pos + 1] as number);
    if (size === 0 || pos + 2 + size > end) return undefined;
    if (isSps(data[pos + 2] as number)) return new Uint8Array(data.subarray(pos + 2, pos + 2 + size));
    pos += 2 + size;
  }
  return undefined;
}
