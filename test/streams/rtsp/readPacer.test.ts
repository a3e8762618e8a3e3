import { describe, expect, it } from 'vitest';
import { type PacedReads, ReadPacer } from '../../../src/streams/rtsp/readPacer.js';
import { FakeClock } from '../../helpers/fakeClock.js';

/** A socket stand-in that records whether it reads: a read callback returning false stops it. */
class FakeSocket {
  reading = true;
  pauses = 0;
  constructor(private readonly reads: () => PacedReads) {}
  /** One read of `bytes` at `atMs`, as Node's onread callback would see it. */
  read(bytes: number, atMs: number): void {
    if (!this.reading) return;
    if (this.reads().afterRead(bytes, atMs)) return;
    this.reading = false;
    this.pauses += 1;
  }
  resume(): void {
    this.reading = true;
  }
}

function tracked(pacer: ReadPacer, nowMs: number): { socket: FakeSocket; reads: PacedReads } {
  let reads: PacedReads | undefined;
  const socket = new FakeSocket(() => reads as PacedReads);
  reads = pacer.track(socket, nowMs);
  return { socket, reads };
}

function rig(options: Partial<ConstructorParameters<typeof ReadPacer>[1]> = {}) {
  const clock = FakeClock.at(10_000);
  const pacer = new ReadPacer(clock, { maxMs: 250, batchBytes: 16_384, ...options });
  const { socket, reads } = tracked(pacer, clock.monotonic());
  /** Reads `bytes` every `everyMs` for `forMs`, as the socket would deliver them while reading. */
  const stream = (bytes: number, everyMs: number, forMs: number): void => {
    for (let t = 0; t < forMs; t += everyMs) {
      socket.read(bytes, clock.monotonic());
      clock.advance(everyMs);
    }
  };
  return { clock, pacer, socket, reads, stream };
}

describe('ReadPacer', () => {
  it('reads as it comes until the byte rate is known', () => {
    const { clock, socket } = rig();
    socket.read(1000, clock.monotonic());
    clock.advance(100);
    socket.read(1000, clock.monotonic());
    expect(socket.pauses).toBe(0);
  });

  it('pauses a slow stream for up to maxMs after each read, then reads again', () => {
    // 1 kB every 40 ms = 25 kB/s: 16 kB would take 640 ms, so the pause is capped at 250 ms.
    const { clock, socket, reads, stream, pacer } = rig();
    stream(1000, 40, 320);
    expect(socket.reading).toBe(false);
    expect(pacer.pausedCount).toBe(1);
    // Paused by the read at +280 ms; the clock is at +320.
    expect(reads.knownUntil(clock.monotonic())).toBe(10_280);
    clock.advance(180);
    expect(socket.reading).toBe(false);
    clock.advance(40);
    expect(socket.reading).toBe(true);
    expect(reads.knownUntil(clock.monotonic())).toBe(clock.monotonic());
    expect(pacer.pausedCount).toBe(0);
  });

  it('reads about 1000 / maxMs times a second a stream that would come 25 times', () => {
    const { socket, stream } = rig();
    stream(1000, 40, 10_000);
    // 10 s: a few unpaced reads while the rate is measured, then one read per pause.
    expect(socket.pauses).toBeGreaterThanOrEqual(35);
    expect(socket.pauses).toBeLessThanOrEqual(42);
  });

  it('pauses a faster stream for the time it takes to send batchBytes', () => {
    // 8 kB every 40 ms = 200 kB/s: 16 kB in 80 ms.
    const { clock, socket } = rig({ stepMs: 10 });
    for (let t = 0; t < 260; t += 40) {
      socket.read(8000, clock.monotonic());
      clock.advance(40);
    }
    socket.read(8000, clock.monotonic());
    expect(socket.reading).toBe(false);
    clock.advance(60);
    expect(socket.reading).toBe(false);
    clock.advance(20);
    expect(socket.reading).toBe(true);
  });

  it('never pauses a stream too fast for minMs, nor after a read of twice batchBytes', () => {
    // 40 kB every 40 ms = 1 MB/s: 16 kB in 16 ms, under minMs.
    const fast = rig();
    fast.stream(40_000, 40, 2000);
    expect(fast.socket.pauses).toBe(0);
    const burst = rig();
    burst.stream(1000, 40, 320);
    burst.clock.advance(300);
    burst.socket.read(40_000, burst.clock.monotonic());
    expect(burst.socket.reading).toBe(true);
  });

  it('a closed session is forgotten: its socket is not resumed and the timer stops', () => {
    const { clock, socket, reads, stream, pacer } = rig();
    stream(1000, 40, 320);
    expect(socket.reading).toBe(false);
    reads.close();
    expect(pacer.pausedCount).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
    clock.advance(1000);
    expect(socket.reading).toBe(false);
    socket.read(1000, clock.monotonic());
    expect(socket.pauses).toBe(1);
  });

  it('a late timer (blocked loop) resumes every socket that fell due meanwhile', () => {
    const clock = FakeClock.at(10_000);
    const pacer = new ReadPacer(clock, { maxMs: 250 });
    const pairs = Array.from({ length: 20 }, () => tracked(pacer, clock.monotonic()));
    for (let t = 0; t < 320; t += 40) {
      for (const p of pairs) p.socket.read(1000, clock.monotonic());
      clock.advance(40);
    }
    expect(pacer.pausedCount).toBe(20);
    // Blocked for longer than the whole ring of steps.
    clock.block(2000);
    expect(pairs.filter((p) => !p.socket.reading)).toHaveLength(0);
    expect(pacer.pausedCount).toBe(0);
  });
  it('after a resume, what is known still ends at the pause until a read or the next poll (#14 review)', () => {
    // A stall check in the same timers pass as the resume must not count the bytes the resumed
    // socket will read at the next poll as silence.
    const { clock, socket, reads, stream } = rig();
    stream(1000, 40, 320);
    expect(socket.reading).toBe(false);
    const seen: { reading: boolean; known: number }[] = [];
    // Created after the pacer's timer: due at the same times, it fires right after it.
    clock.setInterval(
      () => seen.push({ reading: socket.reading, known: reads.knownUntil(clock.monotonic()) }),
      20,
    );
    clock.advance(240);
    const justResumed = seen.find((s) => s.reading);
    expect(justResumed?.known).toBe(10_280);
    // The settle timer (the poll came and went without a read) has run by now: nothing was waiting.
    expect(reads.knownUntil(clock.monotonic())).toBe(clock.monotonic());
  });
});
