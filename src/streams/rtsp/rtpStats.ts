import { scanH264, scanH265 } from './nalUnits.js';
import type { ReceptionSnapshot } from './rtcp.js';

/** Figures for one sampling window, from RTP headers and NAL headers only (no decoding). */
export interface RtpWindow {
  readonly packets: number;
  readonly bytes: number;
  /** Distinct RTP timestamps seen in the window: frames (or fields) delivered. */
  readonly frames: number;
  readonly fps?: number;
  readonly bitrateKbps: number;
  readonly lossPct: number;
  /** RFC 3550 6.4.1 interarrival jitter, ms. */
  readonly jitterMs: number;
  readonly keyframeIntervalS?: number;
  readonly keyframes: number;
  /** Packets arrive but the RTP timestamp has not moved: the encoder is frozen. */
  readonly frozen: boolean;
}

const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
const FROZEN_MS = 2000;

/**
 * Per-stream RTP accounting. `onPacket` does no allocation: header fields are read in place.
 * Sequence handling follows RFC 3550 A.1 (wrap, large jumps as restarts), jitter A.8, and RTP
 * timestamps are compared as signed 32-bit deltas so a timestamp wrap is just another step.
 */
export class RtpStats {
  private readonly scan: typeof scanH264;
  private started = false;
  private ssrc = 0;
  private baseSeq = 0;
  private maxSeq = 0;
  private cycles = 0;
  private badSeq = -1;
  private received = 0;
  private expectedPrior = 0;
  private receivedPrior = 0;
  private lastTs = 0;
  private lastArrivalUnits = 0;
  private jitter = 0;
  private lastKeyTs: number | undefined;
  private keyIntervalTicks: number | undefined;
  private winPackets = 0;
  private winBytes = 0;
  private winFrames = 0;
  private winTicks = 0;
  private winSteps = 0;
  private winKeyframes = 0;
  private winStart: number | undefined;
  /** Arrival time (ms, caller's clock) of the last packet and of the last new timestamp. */
  lastPacketAt = 0;
  lastFrameAt = 0;

  constructor(
    codec: 'h264' | 'h265' | 'other',
    private readonly clockRate = 90_000,
  ) {
    this.scan = codec === 'h265' ? scanH265 : codec === 'h264' ? scanH264 : () => 0;
  }

  /** Accounts one RTP packet; returns the NAL flags (NAL_KEYFRAME, NAL_SPS) or -1 if it is not RTP. */
  onPacket(data: Uint8Array, offset: number, length: number, arrivalMs: number): number {
    if (length < 12 || ((data[offset] as number) & 0xc0) !== 0x80) return -1;
    const b0 = data[offset] as number;
    const csrc = b0 & 0x0f;
    let start = offset + 12 + csrc * 4;
    let end = offset + length;
    if ((b0 & 0x10) !== 0 && start + 4 <= end) {
      start += 4 + (((data[start + 2] as number) << 8) | (data[start + 3] as number)) * 4;
    }
    if ((b0 & 0x20) !== 0) end -= data[end - 1] as number;
    if (start > end) return -1;
    const seq = ((data[offset + 2] as number) << 8) | (data[offset + 3] as number);
    const ts = readU32(data, offset + 4);
    const ssrc = readU32(data, offset + 8);
    this.winStart ??= arrivalMs;
    this.winPackets += 1;
    this.winBytes += length;
    this.lastPacketAt = arrivalMs;
    if (!this.started || ssrc !== this.ssrc) this.restart(seq, ts, ssrc, arrivalMs);
    else this.updateSeq(seq);
    this.updateTiming(ts, arrivalMs);
    const flags = this.scan(data, start, end - start);
    if ((flags & 1) !== 0) this.onKeyframe(ts);
    return flags;
  }

  private restart(seq: number, ts: number, ssrc: number, arrivalMs: number): void {
    this.started = true;
    this.ssrc = ssrc;
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.cycles = 0;
    this.badSeq = -1;
    this.received = 1;
    this.expectedPrior = 0;
    this.receivedPrior = 0;
    this.lastTs = ts;
    this.lastArrivalUnits = (arrivalMs * this.clockRate) / 1000;
    this.lastKeyTs = undefined;
    this.winFrames += 1;
    this.lastFrameAt = arrivalMs;
  }

  private updateSeq(seq: number): void {
    const delta = (seq - this.maxSeq) & 0xffff;
    if (delta < MAX_DROPOUT) {
      if (seq < this.maxSeq) this.cycles += 0x10000;
      this.maxSeq = seq;
    } else if (delta <= 0x10000 - MAX_MISORDER) {
      // A big jump: the sender restarted unless proven otherwise by the next packet (RFC 3550 A.1).
      if (seq !== this.badSeq) {
        this.badSeq = (seq + 1) & 0xffff;
        return;
      }
      this.baseSeq = seq;
      this.maxSeq = seq;
      this.cycles = 0;
      this.received = 0;
      this.expectedPrior = 0;
      this.receivedPrior = 0;
    }
    this.received += 1;
  }

  private updateTiming(ts: number, arrivalMs: number): void {
    const arrivalUnits = (arrivalMs * this.clockRate) / 1000;
    const tsDelta = (ts - this.lastTs) | 0;
    if (tsDelta === 0) return;
    // Jitter is sampled once per frame: packets of one frame share a timestamp but leave the camera
    // in a burst, so per-packet transit differences measure packetisation, not the network.
    const d = arrivalUnits - this.lastArrivalUnits - tsDelta;
    this.jitter += (Math.abs(d) - this.jitter) / 16;
    this.lastArrivalUnits = arrivalUnits;
    this.lastTs = ts;
    this.lastFrameAt = arrivalMs;
    this.winFrames += 1;
    if (tsDelta > 0 && tsDelta < this.clockRate * 10) {
      this.winTicks += tsDelta;
      this.winSteps += 1;
    }
  }

  private onKeyframe(ts: number): void {
    this.winKeyframes += 1;
    if (this.lastKeyTs !== undefined) {
      const ticks = (ts - this.lastKeyTs) | 0;
      if (ticks > 0) this.keyIntervalTicks = ticks;
    }
    this.lastKeyTs = ts;
  }

  /** The RTCP receiver report inputs (RFC 3550 6.4.1); undefined before the first packet. */
  reception(): ReceptionSnapshot | undefined {
    if (!this.started) return undefined;
    const extendedMax = this.cycles + this.maxSeq;
    return {
      ssrc: this.ssrc,
      extendedMax,
      expected: extendedMax - this.baseSeq + 1,
      received: this.received,
      jitter: this.jitter,
    };
  }

  /** Closes the current window and starts the next one. */
  takeWindow(nowMs: number): RtpWindow {
    const elapsedS = Math.max((nowMs - (this.winStart ?? nowMs)) / 1000, 0.001);
    const expected = this.cycles + this.maxSeq - this.baseSeq + 1;
    const expectedInterval = expected - this.expectedPrior;
    const lostInterval = expectedInterval - (this.received - this.receivedPrior);
    this.expectedPrior = expected;
    this.receivedPrior = this.received;
    const window: RtpWindow = {
      packets: this.winPackets,
      bytes: this.winBytes,
      frames: this.winFrames,
      fps: this.winTicks > 0 ? round2((this.winSteps * this.clockRate) / this.winTicks) : undefined,
      bitrateKbps: round2((this.winBytes * 8) / elapsedS / 1000),
      lossPct: expectedInterval > 0 && lostInterval > 0 ? round2((lostInterval / expectedInterval) * 100) : 0,
      jitterMs: round2((this.jitter / this.clockRate) * 1000),
      keyframeIntervalS:
        this.keyIntervalTicks === undefined ? undefined : round2(this.keyIntervalTicks / this.clockRate),
      keyframes: this.winKeyframes,
      frozen: this.started && this.lastPacketAt - this.lastFrameAt > FROZEN_MS,
    };
    this.winPackets = 0;
    this.winBytes = 0;
    this.winFrames = 0;
    this.winTicks = 0;
    this.winSteps = 0;
    this.winKeyframes = 0;
    this.winStart = nowMs;
    return window;
  }
}

function readU32(data: Uint8Array, at: number): number {
  return (
    (((data[at] as number) << 24) |
      ((data[at + 1] as number) << 16) |
      ((data[at + 2] as number) << 8) |
      (data[at + 3] as number)) >>>
    0
  );
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
