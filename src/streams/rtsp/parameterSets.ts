import { BitReader, unescapeRbsp } from './bitReader.js';

export type ParameterSetKind = 'vps' | 'sps' | 'pps';

/** Which parameter set a NAL unit is, from its first header byte; undefined for any other unit. */
export function parameterSetKind(codec: 'h264' | 'h265', header: number): ParameterSetKind | undefined {
  if (codec === 'h264') {
    const type = header & 0x1f;
    return type === 7 ? 'sps' : type === 8 ? 'pps' : undefined;
  }
  const type = (header >> 1) & 0x3f;
  return type === 32 ? 'vps' : type === 33 ? 'sps' : type === 34 ? 'pps' : undefined;
}

/** Parameter sets of one kind kept at most (H.264 allows 32 SPS and 256 PPS ids; cameras use 1–2). */
export const MAX_PARAMETER_SETS = 32;

/**
 * The set's own id (H.264 seq_parameter_set_id / pic_parameter_set_id; H.265 vps/sps/pps id), or
 * undefined when the set is too short to read it (such a set is garbage and left out).
 */
export function parameterSetId(
  codec: 'h264' | 'h265',
  kind: ParameterSetKind,
  nal: Uint8Array,
): number | undefined {
  try {
    // The id sits within the first few bytes (H.265 SPS: after profile_tier_level, < 40 bytes).
    const r = new BitReader(unescapeRbsp(nal.subarray(codec === 'h264' ? 1 : 2, 64)));
    if (codec === 'h264') {
      if (kind === 'sps') r.skip(24); // profile_idc, constraint flags, level_idc
      return r.ue();
    }
    if (kind === 'vps') return r.u(4);
    if (kind === 'pps') return r.ue();
    r.skip(4); // sps_video_parameter_set_id
    const subLayers = r.u(3);
    r.skip(1);
    skipProfileTierLevel(r, subLayers);
    return r.ue();
  } catch {
    // Truncated: not a parameter set a decoder could use either.
    return undefined;
  }
}

/** H.265 7.3.3 profile_tier_level(1, maxNumSubLayersMinus1). */
function skipProfileTierLevel(r: BitReader, subLayers: number): void {
  r.skip(96); // general profile (88 bits) and level (8)
  const profile: boolean[] = [];
  const level: boolean[] = [];
  for (let i = 0; i < subLayers; i++) {
    profile.push(r.u1() === 1);
    level.push(r.u1() === 1);
  }
  if (subLayers > 0) r.skip((8 - subLayers) * 2);
  for (let i = 0; i < subLayers; i++) {
    if (profile[i]) r.skip(88);
    if (level[i]) r.skip(8);
  }
}

/**
 * The parameter sets a keyframe needs to decode on its own: from the SDP (RFC 6184
 * sprop-parameter-sets, RFC 7798 sprop-vps/sps/pps) and from the stream itself, where the latest
 * in-band set of an id wins (a camera that changed its resolution does not always update its SDP,
 * and some send none in the SDP at all). Kept by kind and id: a camera with two PPS ids (one per
 * slice type or per field) needs both; bounded at MAX_PARAMETER_SETS a kind (the oldest goes).
 */
export class ParameterSets {
  private readonly sets = new Map<string, { kind: ParameterSetKind; nal: Buffer }>();

  constructor(
    private readonly codec: 'h264' | 'h265',
    fmtp: Readonly<Record<string, string>> = {},
  ) {
    const sprops =
      codec === 'h264'
        ? (fmtp['sprop-parameter-sets'] ?? '').split(',')
        : [fmtp['sprop-vps'], fmtp['sprop-sps'], fmtp['sprop-pps']].flatMap((v) => (v ? v.split(',') : []));
    for (const b64 of sprops) {
      const nal = Buffer.from(b64.trim(), 'base64');
      const kind = nal.length > 0 ? parameterSetKind(codec, nal[0] as number) : undefined;
      // A vendor's empty or garbled sprop is left out; the in-band sets then have to do.
      if (kind) this.inband(kind, nal);
    }
  }

  inband(kind: ParameterSetKind, nal: Buffer): void {
    const id = parameterSetId(this.codec, kind, nal);
    if (id === undefined) return;
    const key = `${kind}${id}`;
    // Re-inserted: the Map's order is then the order of the latest arrival (oldest first out).
    this.sets.delete(key);
    let ofKind = 0;
    let oldest: string | undefined;
    for (const [k, set] of this.sets)
      if (set.kind === kind) {
        ofKind += 1;
        oldest ??= k;
      }
    if (ofKind >= MAX_PARAMETER_SETS && oldest !== undefined) this.sets.delete(oldest);
    this.sets.set(key, { kind, nal });
  }

  /**
   * Every known set, VPS (H.265), SPS, PPS in decoding order (a decoder takes the ones the slices
   * refer to), or undefined while a kind is still unknown.
   */
  complete(): Buffer[] | undefined {
    const kinds: ParameterSetKind[] = this.codec === 'h264' ? ['sps', 'pps'] : ['vps', 'sps', 'pps'];
    const out: Buffer[] = [];
    for (const k of kinds) {
      const before = out.length;
      for (const set of this.sets.values()) if (set.kind === k) out.push(set.nal);
      if (out.length === before) return undefined;
    }
    return out;
  }
}
