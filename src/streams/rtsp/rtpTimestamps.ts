/**
 * How RTP timestamps fail in the field (issue #12): `constant` (every picture under one timestamp:
 * a raw H.264 file served without timestamps, cheap encoders), `jumps` (they jump back at every
 * loop or GOP, or leap forward, again and again), `rate` (they advance, but not at the declared
 * clock rate against real time: restarts every few frames, a millisecond clock sent as 90 kHz).
 */
export type TimestampFault = 'constant' | 'jumps' | 'rate';

/** An epoch is judged once it holds this many picture steps and spans this much arrival time. */
const EPOCH_STEPS = 16;
const EPOCH_MS = 1500;
/** B-frames make presentation timestamps step back by a few frames; more than this is a jump. */
const REORDER_S = 0.5;
const MAX_FORWARD_S = 10;
/** Two jumps this close are a pattern; one is a clock step or a wrap at a non-32-bit boundary. */
const JUMP_PATTERN_MS = 60_000;
/** Timestamp progress against arrival time outside this ratio: the timestamps do not tell time. */
const MIN_RATE = 0.5;
const MAX_RATE = 2;
/** Clean epochs in a row before a faulty stream is trusted again. */
const EPOCHS_TO_RECOVER = 3;

/**
 * Judges whether a stream's RTP timestamps are usable, one step between consecutive pictures at a
 * time, with no allocation. A step is `zero`, a `jump`, or ordinary progress (forward, or back by
 * less than the B-frame reorder depth). Each epoch (≥ 16 steps over ≥ 1.5 s of arrival) gives a
 * verdict; a fault is reported from the first faulty epoch, and cleared only after three clean
 * ones, so a camera does not flap. `rtpFps` is measured from ordinary progress only, so the
 * figure stays right for B-frame streams and across a single jump.
 */
export class TimestampJudge {
  private havePrev = false;
  private prevTs = 0;
  private prevAt = 0;
  private epochStartAt = 0;
  private steps = 0;
  private zeros = 0;
  private progressTicks = 0;
  private progressMs = 0;
  private lastJumpAt = Number.NEGATIVE_INFINITY;
  private cleanEpochs = 0;
  private winSteps = 0;
  private winTicks = 0;
  /** Current verdict; undefined while the timestamps look usable (or nothing is judged yet). */
  fault: TimestampFault | undefined;

  constructor(private readonly clockRate: number) {}

  /** A new SSRC: the sender restarted; its timestamps start a new story. */
  reset(): void {
    this.havePrev = false;
    this.startEpoch(0);
  }

  /** Signed RTP-tick step from the previous picture (0 for the first), or NaN for none. */
  onPicture(ts: number, atMs: number): number {
    if (!this.havePrev) {
      this.havePrev = true;
      this.prevTs = ts;
      this.prevAt = atMs;
      this.epochStartAt = atMs;
      return Number.NaN;
    }
    const step = (ts - this.prevTs) | 0;
    const dtMs = atMs - this.prevAt;
    this.prevTs = ts;
    this.prevAt = atMs;
    this.steps += 1;
    if (step === 0) {
      this.zeros += 1;
      this.progressMs += dtMs;
    } else if (step <= this.clockRate * MAX_FORWARD_S && step >= -this.clockRate * REORDER_S) {
      this.progressTicks += step;
      this.progressMs += dtMs;
      this.winSteps += 1;
      this.winTicks += step;
    } else {
      this.onJump(atMs);
    }
    if (this.steps >= EPOCH_STEPS && atMs - this.epochStartAt >= EPOCH_MS) this.judge(atMs);
    return step;
  }

  /** Frames per second of RTP time since the last call; undefined when there was no progress. */
  takeRtpFps(): number | undefined {
    const fps = this.winTicks > 0 ? (this.winSteps * this.clockRate) / this.winTicks : undefined;
    this.winSteps = 0;
    this.winTicks = 0;
    return fps;
  }

  private onJump(atMs: number): void {
    if (atMs - this.lastJumpAt <= JUMP_PATTERN_MS) this.flag('jumps');
    this.lastJumpAt = atMs;
  }

  private judge(atMs: number): void {
    const rate = this.progressMs > 0 ? this.progressTicks / this.clockRate / (this.progressMs / 1000) : 1;
    if (this.zeros * 2 > this.steps) this.flag('constant');
    else if (atMs - this.lastJumpAt <= JUMP_PATTERN_MS && this.fault === 'jumps') this.flag('jumps');
    else if (this.progressMs >= 1000 && (rate < MIN_RATE || rate > MAX_RATE)) this.flag('rate');
    else if (this.fault !== undefined && ++this.cleanEpochs >= EPOCHS_TO_RECOVER) this.fault = undefined;
    this.startEpoch(atMs);
  }

  private flag(fault: TimestampFault): void {
    this.fault = fault;
    this.cleanEpochs = 0;
  }

  private startEpoch(atMs: number): void {
    this.epochStartAt = atMs;
    this.steps = 0;
    this.zeros = 0;
    this.progressTicks = 0;
    this.progressMs = 0;
  }
}
