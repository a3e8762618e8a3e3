import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Log } from '../shared/log.js';

/**
 * The counters the centre dedupes and orders by: the outbox `seq` (events are keyed by
 * `(gatewayId, seq)`) and the uplink's `bdSeq` (a `lost` with a lower bdSeq than the last
 * `online` is ignored). Neither may ever go back, not even when a corrupt database is rebuilt.
 */
export interface Counters {
  readonly seq: number;
  readonly bdSeq: number;
}

export const HIGH_WATER_FILE = 'camgate.highwater';

/**
 * A leased ceiling is written ahead of use, so the file is touched once per lease, not once per
 * event (each write is an fsync). A rebuilt database starts above the ceiling: the centre then sees
 * a gap of at most one lease, explained by the `store.rebuilt` event.
 */
export const LEASE: Counters = { seq: 1000, bdSeq: 10 };

/** Two fixed slots written alternately in place: no new blocks (works on a full disk), and a torn write spoils one slot only. */
const SLOT_BYTES = 256;
const MAGIC = 'camgate-highwater-v1';

interface Slot extends Counters {
  readonly gen: number;
}

/** Reads and writes the ceiling file beside the database (outside it: it must survive the database). */
export class HighWaterFile {
  private gen = 0;

  private constructor(
    private readonly fd: number,
    readonly file: string,
  ) {}

  static open(dir: string): HighWaterFile {
    const file = path.join(dir, HIGH_WATER_FILE);
    return new HighWaterFile(fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o640), file);
  }

  /** The highest valid slot; undefined when the file is new or both slots are unreadable. */
  read(log: Log): Counters | undefined {
    const buf = Buffer.alloc(SLOT_BYTES * 2);
    const n = fs.readSync(this.fd, buf, 0, buf.length, 0);
    const slots = [0, 1]
      .map((i) => parseSlot(buf.subarray(i * SLOT_BYTES, Math.min(n, (i + 1) * SLOT_BYTES))))
      .filter((s): s is Slot => s !== undefined);
    if (n > 0 && slots.length === 0) log.warn({ file: this.file }, 'high-water file unreadable; ignoring it');
    const best = slots.sort((a, b) => b.gen - a.gen)[0];
    if (!best) return undefined;
    this.gen = best.gen;
    return { seq: best.seq, bdSeq: best.bdSeq };
  }

  /** Durable before it returns (fsync): callers rely on it before a counter value is used. */
  write(c: Counters): void {
    this.gen += 1;
    const body = `${MAGIC} gen=${this.gen} seq=${c.seq} bdSeq=${c.bdSeq}`;
    const line = `${body} sum=${checksum(body)}\n`;
    const slot = Buffer.alloc(SLOT_BYTES, 0x20);
    slot.write(line, 0, 'ascii');
    fs.writeSync(this.fd, slot, 0, SLOT_BYTES, (this.gen % 2) * SLOT_BYTES);
    fs.fsyncSync(this.fd);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

function checksum(body: string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 16);
}

function parseSlot(bytes: Buffer): Slot | undefined {
  const m = bytes
    .toString('ascii')
    .match(/^(camgate-highwater-v1 gen=(\d+) seq=(\d+) bdSeq=(\d+)) sum=([0-9a-f]{16})\n/);
  if (!m || checksum(m[1] ?? '') !== m[5]) return undefined;
  return { gen: Number(m[2]), seq: Number(m[3]), bdSeq: Number(m[4]) };
}

/**
 * Keeps the file's ceiling at or above every counter value the database commits. `cover` runs
 * inside the inserting transaction (through SQL triggers), so a value can reach the centre only
 * after the ceiling above it is on disk; if the write fails, so does the insert.
 */
export class HighWater {
  constructor(
    private readonly file: HighWaterFile,
    private ceiling: Counters,
  ) {}

  get current(): Counters {
    return this.ceiling;
  }

  /** Makes `floor` the ceiling's lower bound now (at open: what the database already used). */
  raiseTo(floor: Counters): void {
    const next = {
      seq: Math.max(this.ceiling.seq, floor.seq),
      bdSeq: Math.max(this.ceiling.bdSeq, floor.bdSeq),
    };
    if (next.seq === this.ceiling.seq && next.bdSeq === this.ceiling.bdSeq) return;
    this.file.write(next);
    this.ceiling = next;
  }

  cover(name: keyof Counters, value: number): void {
    if (value <= this.ceiling[name]) return;
    const next = { ...this.ceiling, [name]: value + LEASE[name] };
    this.file.write(next);
    this.ceiling = next;
  }
}
