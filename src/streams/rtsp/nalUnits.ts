/**
 * Looks only at NAL headers inside an RTP payload (RFC 6184 for H.264, RFC 7798 for H.265) to
 * tell whether a packet starts a keyframe or carries an SPS; never decodes, never copies.
 */
export const NAL_KEYFRAME = 1;
export const NAL_SPS = 2;

/** Bit set of NAL_KEYFRAME / NAL_SPS for the NAL units that start in this payload. */
export function scanH264(data: Uint8Array, offset: number, length: number): number {
  if (length < 1) return 0;
  const type = (data[offset] as number) & 0x1f;
  if (type >= 1 && type <= 23) return h264Flags(type);
  if (type === 24) {
    // STAP-A: [16-bit size][NAL]...
    let flags = 0;
    let pos = offset + 1;
    const end = offset + length;
    while (pos + 2 < end) {
      const size = ((data[pos] as number) << 8) | (data[pos + 1] as number);
      if (size === 0 || pos + 2 + size > end) break;
      flags |= h264Flags((data[pos + 2] as number) & 0x1f);
      pos += 2 + size;
    }
    return flags;
  }
  if (type === 28 && length >= 2) {
    const fu = data[offset + 1] as number;
    // Only the start fragment (S bit) counts, so a keyframe is counted once.
    return (fu & 0x80) !== 0 ? h264Flags(fu & 0x1f) : 0;
  }
  return 0;
}

function h264Flags(type: number): number {
  if (type === 5) return NAL_KEYFRAME;
  if (type === 7) return NAL_SPS;
  return 0;
}

export function scanH265(data: Uint8Array, offset: number, length: number): number {
  if (length < 2) return 0;
  const type = ((data[offset] as number) >> 1) & 0x3f;
  if (type === 48) {
    // Aggregation packet: 2-byte payload header, then [16-bit size][NAL]...
    let flags = 0;
    let pos = offset + 2;
    const end = offset + length;
    while (pos + 3 < end) {
      const size = ((data[pos] as number) << 8) | (data[pos + 1] as number);
      if (size < 2 || pos + 2 + size > end) break;
      flags |= h265Flags(((data[pos + 2] as number) >> 1) & 0x3f);
      pos += 2 + size;
    }
    return flags;
  }
  if (type === 49 && length >= 3) {
    const fu = data[offset + 2] as number;
    return (fu & 0x80) !== 0 ? h265Flags(fu & 0x3f) : 0;
  }
  return h265Flags(type);
}

function h265Flags(type: number): number {
  // IRAP pictures are BLA/IDR/CRA, NAL types 16..23 (H.265 table 7-1).
  if (type >= 16 && type <= 23) return NAL_KEYFRAME;
  if (type === 33) return NAL_SPS;
  return 0;
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
  if (isSps(first)) return data.slice(offset, offset + length);
  const aggregate = codec === 'h264' ? (first & 0x1f) === 24 : ((first >> 1) & 0x3f) === 48;
  if (!aggregate) return undefined;
  let pos = offset + hdr;
  const end = offset + length;
  while (pos + 2 < end) {
    const size = ((data[pos] as number) << 8) | (data[pos + 1] as number);
    if (size === 0 || pos + 2 + size > end) return undefined;
    if (isSps(data[pos + 2] as number)) return data.slice(pos + 2, pos + 2 + size);
    pos += 2 + size;
  }
  return undefined;
}
