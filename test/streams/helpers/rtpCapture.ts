import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'rtsp', 'testdata', 'rtp');

/** The packets of one capture in `test/streams/rtsp/testdata/rtp/` (RFC 4571 framing). */
export function readCapture(name: string): Buffer[] {
  const file = readFileSync(join(DIR, name));
  const packets: Buffer[] = [];
  let pos = 0;
  while (pos + 2 <= file.length) {
    const size = file.readUInt16BE(pos);
    packets.push(file.subarray(pos + 2, pos + 2 + size));
    pos += 2 + size;
  }
  return packets;
}

export interface ReplayOptions {
  /** How many times the capture is sent back to back (sequence numbers continue). */
  readonly loops?: number;
  /** `restart`: each loop starts again at the capture's first timestamp (a backward jump). */
  readonly timestamps?: 'as-is' | 'constant' | 'restart';
  readonly markers?: 'as-is' | 'all' | 'none';
  /** Arrival time of each picture (a run of packets with one original timestamp), ms. */
  readonly frameMs?: number;
}

export interface Replayed {
  readonly packets: Buffer[];
  /** Arrival ms of each packet: pictures `frameMs` apart in sending order, as a paced sender would. */
  readonly arrivals: number[];
}

/**
 * Real packets with the timestamp or marker faults of broken cameras written into copies of them:
 * the payloads stay exactly what the packetizer produced.
 */
export function replay(capture: readonly Buffer[], o: ReplayOptions = {}): Replayed {
  const loops = o.loops ?? 1;
  const frameMs = o.frameMs ?? 40;
  const first = capture[0]?.readUInt32BE(4) ?? 0;
  const seq0 = capture[0]?.readUInt16BE(2) ?? 0;
  const loopTicks = loopLengthTicks(capture);
  const packets: Buffer[] = [];
  const arrivals: number[] = [];
  let picture = -1;
  let prevTs: number | undefined;
  for (let loop = 0; loop < loops; loop++) {
    for (const original of capture) {
      const p = Buffer.from(original);
      const ts = original.readUInt32BE(4);
      if (ts !== prevTs) picture += 1;
      prevTs = ts;
      p.writeUInt16BE((seq0 + packets.length) & 0xffff, 2);
      if (o.timestamps === 'constant') p.writeUInt32BE(first, 4);
      else if (o.timestamps !== 'restart') p.writeUInt32BE((ts + loop * loopTicks) >>> 0, 4);
      if (o.markers === 'all') p[1] = (p[1] as number) | 0x80;
      if (o.markers === 'none') p[1] = (p[1] as number) & 0x7f;
      packets.push(p);
      arrivals.push(picture * frameMs);
    }
  }
  return { packets, arrivals };
}

/** One picture past the capture's last timestamp, so `as-is` loops continue seamlessly. */
function loopLengthTicks(capture: readonly Buffer[]): number {
  const first = capture[0]?.readUInt32BE(4) ?? 0;
  let max = 0;
  let pictures = 0;
  let prev: number | undefined;
  for (const p of capture) {
    const ts = p.readUInt32BE(4);
    if (ts !== prev) pictures += 1;
    prev = ts;
    max = Math.max(max, (ts - first) >>> 0);
  }
  return pictures > 1 ? max + Math.round(max / (pictures - 1)) : 3600;
}
