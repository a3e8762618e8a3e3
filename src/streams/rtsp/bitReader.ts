import { CamgateError } from '../../shared/errors.js';

/**
 * Drops H.264/H.265 emulation-prevention bytes (`00 00 03` → `00 00`, ITU-T H.264 7.4.1) so the
 * RBSP can be read bit by bit. Only used on parameter sets (tens of bytes), never on slices.
 */
export function unescapeRbsp(nal: Uint8Array): Uint8Array {
  const out = new Uint8Array(nal.length);
  let n = 0;
  let zeros = 0;
  for (const b of nal) {
    if (zeros >= 2 && b === 3) {
      zeros = 0;
      continue;
    }
    zeros = b === 0 ? zeros + 1 : 0;
    out[n++] = b;
  }
  return out.subarray(0, n);
}

/** MSB-first bit reader with exp-Golomb codes; running off the end is RTSP_PROTOCOL. */
export class BitReader {
  private pos = 0;

  constructor(private readonly data: Uint8Array) {}

  get bitsLeft(): number {
    return this.data.length * 8 - this.pos;
  }

  u1(): number {
    const byte = this.data[this.pos >> 3];
    if (byte === undefined) throw new CamgateError('RTSP_PROTOCOL', 'parameter set truncated');
    const bit = (byte >> (7 - (this.pos & 7))) & 1;
    this.pos += 1;
    return bit;
  }

  /** Up to 32 bits, unsigned. */
  u(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 2 + this.u1();
    return v;
  }

  skip(n: number): void {
    if (n > this.bitsLeft) throw new CamgateError('RTSP_PROTOCOL', 'parameter set truncated');
    this.pos += n;
  }

  /** ue(v): unsigned exp-Golomb. More than 31 leading zeros cannot occur in a valid stream. */
  ue(): number {
    let zeros = 0;
    while (this.u1() === 0) {
      zeros += 1;
      if (zeros > 31) throw new CamgateError('RTSP_PROTOCOL', 'exp-Golomb code too long');
    }
    return 2 ** zeros - 1 + this.u(zeros);
  }

  /** se(v): signed exp-Golomb. */
  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -(k / 2);
  }
}
