/**
 * Cuts ffmpeg's MPEG-TS into whole 188-byte packets and remembers where a viewer can join: the
 * latest PAT and PMT, then every packet since the last video PES that opens with an MPEG-1
 * sequence header (00 00 01 B3, ISO/IEC 11172-2 §2.4.2.3; ffmpeg writes one before every
 * intra picture). A decoder fed from there has the picture size and a keyframe.
 *
 * Why: a pipe read ends anywhere inside a packet. JSMpeg's TS demuxer, given a stream from the
 * middle of a PES packet, threw "RangeError: offset is out of bounds" for a viewer who joined a
 * running ffmpeg (issue #7).
 */
export class TsJoinPoint {
  private pending = Buffer.alloc(0);
  private pat: Buffer | undefined;
  private pmt: Buffer | undefined;
  private pmtPid: number | undefined;
  private videoPid: number | undefined;
  /** Packets since the last sequence header; undefined until one arrived (or after overflow). */
  private gop: Buffer[] | undefined;
  private gopBytes = 0;

  /** @param maxGopBytes a stream without keyframes must not grow memory without bound. */
  constructor(private readonly maxGopBytes = 8 * 1024 * 1024) {}

  /** Whole packets of `chunk` (plus what was left over from the last call); may be empty. */
  push(chunk: Buffer): Buffer {
    const buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Buffer[] = [];
    let i = 0;
    while (i + 188 <= buf.length) {
      if (buf[i] !== 0x47) {
        i += 1; // resynchronise on the next sync byte
        continue;
      }
      const packet = Buffer.from(buf.subarray(i, i + 188));
      this.remember(packet);
      out.push(packet);
      i += 188;
    }
    this.pending = Buffer.from(buf.subarray(i));
    return out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out);
  }

  /** What a new viewer gets first: PAT, PMT, the current GOP. Undefined until a sequence header arrived. */
  joinBurst(): Buffer | undefined {
    if (!this.gop) return undefined;
    const head = [this.pat, this.pmt].filter((p): p is Buffer => p !== undefined);
    return Buffer.concat([...head, ...this.gop]);
  }

  private remember(p: Buffer): void {
    const pid = (((p[1] ?? 0) & 0x1f) << 8) | (p[2] ?? 0);
    const unitStart = ((p[1] ?? 0) & 0x40) !== 0;
    const payload = payloadOf(p);
    if (pid === 0 && unitStart) {
      this.pat = p;
      this.pmtPid = firstProgramMapPid(payload);
      return;
    }
    if (pid === this.pmtPid && unitStart) {
      this.pmt = p;
      return;
    }
    if (this.videoPid === undefined && unitStart && isVideoPes(payload)) this.videoPid = pid;
    if (pid === this.videoPid && unitStart && hasSequenceHeader(payload)) {
      this.gop = [];
      this.gopBytes = 0;
    }
    if (!this.gop) return;
    this.gop.push(p);
    this.gopBytes += p.length;
    if (this.gopBytes > this.maxGopBytes) this.gop = undefined;
  }
}

function payloadOf(p: Buffer): Buffer {
  const afc = ((p[3] ?? 0) >> 4) & 3;
  if ((afc & 1) === 0) return Buffer.alloc(0);
  const start = 4 + (afc & 2 ? 1 + (p[4] ?? 0) : 0);
  return start >= 188 ? Buffer.alloc(0) : p.subarray(start);
}

/** PAT (ISO/IEC 13818-1 §2.4.4.3): pointer field, then 8 header bytes, then 4-byte program entries. */
function firstProgramMapPid(payload: Buffer): number | undefined {
  const table = 1 + (payload[0] ?? 0);
  const sectionLength = (((payload[table + 1] ?? 0) & 0x0f) << 8) | (payload[table + 2] ?? 0);
  const end = Math.min(payload.length, table + 3 + sectionLength - 4); // without the CRC
  for (let e = table + 8; e + 4 <= end; e += 4) {
    const program = ((payload[e] ?? 0) << 8) | (payload[e + 1] ?? 0);
    if (program !== 0) return (((payload[e + 2] ?? 0) & 0x1f) << 8) | (payload[e + 3] ?? 0);
  }
  return undefined;
}

function isVideoPes(payload: Buffer): boolean {
  return payload[0] === 0 && payload[1] === 0 && payload[2] === 1 && ((payload[3] ?? 0) & 0xf0) === 0xe0;
}

const SEQUENCE_HEADER = Buffer.from([0, 0, 1, 0xb3]);

function hasSequenceHeader(payload: Buffer): boolean {
  return isVideoPes(payload) && payload.indexOf(SEQUENCE_HEADER, 4) !== -1;
}
