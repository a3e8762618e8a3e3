import type { Clock, TimerHandle } from '../../shared/clock.js';

/**
 * What the pacer starts again: a net.Socket, stopped by its read callback returning false (see
 * `Net`'s `onData`), whose `resume()` starts reading at the OS again.
 */
export interface Resumable {
  resume(): unknown;
}

export interface ReadPacerOptions {
  /** Longest a socket is left unread: the stream tick, so a stall is known within one more tick. */
  readonly maxMs: number;
  /**
   * Bytes a paced socket may gather unread: well under a fresh Linux TCP receive window (~64 kB),
   * so the camera never has to wait for us to read.
   */
  readonly batchBytes?: number;
  /** A stream fast enough to need shorter pauses than this is read as it comes. */
  readonly minMs?: number;
  /** How often due sockets are resumed. */
  readonly stepMs?: number;
}

const BATCH_BYTES = 16 * 1024;
const MIN_MS = 40;
const STEP_MS = 20;
/** A stream's byte rate is re-measured over this much time of reading. */
const RATE_WINDOW_MS = 250;

/**
 * Reads hundreds of slow TCP streams in batches instead of as each packet lands (#14). A watched
 * camera's sub-stream sends a few kB every 40 ms; read as it comes, that is ~25 wakeups, read
 * calls, JS callbacks and ACKs per second per camera, most of the daemon's CPU. After a read, a
 * paced socket stops reading for as long as its stream takes to send `batchBytes` (at most
 * `maxMs`), then one read takes everything at once. Nothing is lost: TCP keeps the bytes in the
 * kernel. What it costs: arrival times are those of the read (up to `maxMs` late), so what a
 * session knows ends at its last read (`knownUntil`), and arrival-based figures (jitter) mean little.
 */
export class ReadPacer {
  readonly maxMs: number;
  readonly batchBytes: number;
  readonly minMs: number;
  private readonly stepMs: number;
  /** Paused sockets by the step they are due in (a ring of ⌈maxMs / stepMs⌉ + 2 steps). */
  private readonly ring: Set<PacedReads>[];
  /** The last step whose sockets were resumed. */
  private doneStep = 0;
  private paused = 0;
  private timer: TimerHandle | undefined;
  /** Resumed sockets whose first poll has not come yet, and the timer that comes after it. */
  private settling: PacedReads[] = [];
  private settleTimer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    options: ReadPacerOptions,
  ) {
    this.maxMs = options.maxMs;
    this.batchBytes = options.batchBytes ?? BATCH_BYTES;
    this.minMs = options.minMs ?? MIN_MS;
    this.stepMs = options.stepMs ?? STEP_MS;
    const steps = Math.ceil(this.maxMs / this.stepMs) + 2;
    this.ring = Array.from({ length: steps }, () => new Set<PacedReads>());
  }

  /** Paces one playing socket until `close()`; reads stay unpaced until its byte rate is known. */
  track(socket: Resumable, nowMs: number): PacedReads {
    return new PacedReads(this, socket, nowMs);
  }

  /** Sockets paused now. */
  get pausedCount(): number {
    return this.paused;
  }

  /** @internal Called by PacedReads at `nowMs` (its read's time): `reads` stays paused until `dueMs`. */
  hold(reads: PacedReads, nowMs: number, dueMs: number): number {
    if (this.paused === 0) {
      this.doneStep = this.stepOf(nowMs) - 1;
      this.timer = this.clock.setInterval(() => this.resumeDue(), this.stepMs);
    }
    // Never in a step already passed, nor beyond the ring.
    const step = Math.min(
      Math.max(this.stepOf(dueMs), this.doneStep + 1),
      this.doneStep + this.ring.length - 1,
    );
    this.slot(step).add(reads);
    this.paused += 1;
    return step;
  }

  /** @internal Called by PacedReads when it resumes or closes before its step. */
  release(reads: PacedReads, step: number): void {
    if (!this.slot(step).delete(reads)) return;
    this.paused -= 1;
    if (this.paused === 0) this.stop();
  }

  private resumeDue(): void {
    const current = this.stepOf(this.clock.monotonic());
    // A late timer (blocked loop) catches up on every step it missed, at most one ring round.
    const from = Math.max(this.doneStep + 1, current - this.ring.length + 1);
    for (let step = from; step <= current; step++) {
      const due = this.slot(step);
      if (due.size === 0) continue;
      const reads = [...due];
      due.clear();
      this.paused -= reads.length;
      for (const r of reads) r.resume();
      this.settling.push(...reads);
    }
    this.doneStep = current;
    // A timer set now runs after the event loop's next poll, which reads every resumed socket
    // that had bytes waiting: from then on, one still unread has really been sent nothing.
    if (this.settling.length > 0) this.settleTimer ??= this.clock.setTimeout(() => this.settle(), 0);
    if (this.paused === 0) this.stop();
  }

  private settle(): void {
    this.settleTimer = undefined;
    const settled = this.settling;
    this.settling = [];
    for (const r of settled) r.settled();
  }

  private stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private stepOf(ms: number): number {
    return Math.floor(ms / this.stepMs);
  }

  private slot(step: number): Set<PacedReads> {
    return this.ring[step % this.ring.length] as Set<PacedReads>;
  }
}

/** One socket's pacing: its byte rate, and whether it is paused and since when. */
export class PacedReads {
  private bytes = 0;
  private rateSince: number;
  private pauseMs = 0;
  /**
   * `paused`: stopped since the read at `pausedAt`; `resuming`: started again, but the bytes kept
   * meanwhile are not read yet, so what is known still ends at `pausedAt`.
   */
  private state: 'reading' | 'paused' | 'resuming' | 'closed' = 'reading';
  private pausedAt = 0;
  private step = 0;

  constructor(
    private readonly pacer: ReadPacer,
    private readonly socket: Resumable,
    nowMs: number,
  ) {
    this.rateSince = nowMs;
  }

  /**
   * After each read of `bytes`: false when the socket is to stop reading now (its stream is slow
   * enough to be batched; the caller's read callback returns it), true to read on.
   */
  afterRead(bytes: number, nowMs: number): boolean {
    if (this.state === 'resuming') this.state = 'reading';
    if (this.state !== 'reading') return true;
    this.bytes += bytes;
    const elapsed = nowMs - this.rateSince;
    if (elapsed >= RATE_WINDOW_MS) {
      const bytesPerMs = this.bytes / elapsed;
      const ms =
        bytesPerMs > 0 ? Math.min(this.pacer.maxMs, this.pacer.batchBytes / bytesPerMs) : this.pacer.maxMs;
      this.pauseMs = ms >= this.pacer.minMs ? ms : 0;
      this.bytes = 0;
      this.rateSince = nowMs;
    }
    // A read this big means the stream outran its pace (a keyframe, a faster encoder): read on.
    if (this.pauseMs === 0 || bytes >= this.pacer.batchBytes * 2) return true;
    this.state = 'paused';
    this.pausedAt = nowMs;
    this.step = this.pacer.hold(this, nowMs, nowMs + this.pauseMs);
    return false;
  }

  /**
   * Until when everything the camera sent has been read: while paused, and after a resume until
   * the next read or the poll that found nothing to read, the read that paused the socket;
   * otherwise now. A stall is judged against this, never against unread bytes.
   */
  knownUntil(nowMs: number): number {
    return this.state === 'paused' || this.state === 'resuming' ? this.pausedAt : nowMs;
  }

  /** @internal The pacer's step came: read again. */
  resume(): void {
    if (this.state !== 'paused') return;
    this.state = 'resuming';
    this.socket.resume();
  }

  /** @internal The poll after the resume came and went without a read: nothing was waiting. */
  settled(): void {
    if (this.state === 'resuming') this.state = 'reading';
  }

  /** The session ends: forget the socket (its owner destroys it). */
  close(): void {
    if (this.state === 'paused') this.pacer.release(this, this.step);
    this.state = 'closed';
  }
}
