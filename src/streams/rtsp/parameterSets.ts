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

/**
 * The parameter sets a keyframe needs to decode on its own: from the SDP (RFC 6184
 * sprop-parameter-sets, RFC 7798 sprop-vps/sps/pps) and from the stream itself, where the latest
 * in-band set wins (a camera that changed its resolution does not always update its SDP, and some
 * send none in the SDP at all).
 */
export class ParameterSets {
  private readonly sets = new Map<ParameterSetKind, Buffer>();

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
      if (kind && !this.sets.has(kind)) this.sets.set(kind, nal);
    }
  }

  inband(kind: ParameterSetKind, nal: Buffer): void {
    this.sets.set(kind, nal);
  }

  /** VPS (H.265), SPS, PPS in decoding order, or undefined while one is still unknown. */
  complete(): Buffer[] | undefined {
    const kinds: ParameterSetKind[] = this.codec === 'h264' ? ['sps', 'pps'] : ['vps', 'sps', 'pps'];
    const out: Buffer[] = [];
    for (const k of kinds) {
      const nal = this.sets.get(k);
      if (!nal) return undefined;
      out.push(nal);
    }
    return out;
  }
}
