import { AccessUnitTracker } from './accessUnits.js';
import { NAL_KEYFRAME, NAL_PICTURE } from './nalUnits.js';
import { type TimestampFault, TimestampJudge } from './rtpTimestamps.js';

export type { TimestampFault } from './rtpTimestamps.js';

import type { ReceptionSnapshot } from './rtcp.js';

/** Figures for one sampling window, from RTP headers and NAL headers only (no decoding). */
export interface RtpWindow {
  readonly packets: number;
  readonly bytes: number;
  /** Coded pictures (frames or fields) that started in the window, counted by access unit. */
  readonly frames: number;
  readonly fps?: number;
  /** Where `fps` comes from: RTP time, or arrival cadence when the timestamps are unusable. */
  readonly fpsSource?: 'rtp' | 'arrival';
  /** Set while the RTP timestamps are judged unusable (then fps and GOP come from arrival times). */
  readonly timestampFault?: TimestampFault;
  readonly bitrateKbps: number;
  readonly lossPct: number;
  /** RFC 3550 6.4.1 interarrival jitter, ms. */
  readonly jitterMs: number;
  readonly keyframeIntervalS?: number;
  readonly keyframes: number;
  /** Packets arrive but no new picture has started for a while: the encoder is frozen. */
  readonly frozen: boolean;
}

const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
const FROZEN_MS = 2000;

/**
 * Per-stream RTP accounting. `onPacket` does no allocation: header fields are read in place.
 * Sequence handling follows RFC 3550 A.1 (wrap, large jumps as restarts), jitter A.8. Pictures are
 * counted by access unit (accessUnits.ts), not by timestamp change, and the timestamps are judged
 * (rtpTimestamps.ts) before fps, jitter and GOP are taken from them.
 */
export class RtpStats {
  private readonly units: AccessUnitTracker;
  private readonly judge: TimestampJudge;
  private started = false;
  private ssrc = 0;
  private baseSeq = 0;
  private maxSeq = 0;
  private cycles = 0;
  private badSeq = -1;
  private received = 0;
  private expectedPrior = 0;
  private receivedPrior = 0;
  private nextSeq = 0;
  private lastArrivalUnits = 0;
  private jitter = 0;
  private lastKeyTs: number | undefined;
  private lastKeyAt: number | undefined;
  private keyIntervalTicks: number | undefined;
  private keyIntervalMs: number | undefined;
  private winPackets = 0;
  private winBytes = 0;
  private winFrames = 0;
  private winKeyframes = 0;
  private winStart: number | undefined;
  private firstPacketAt = 0;
  /** Arrival time (ms, caller's clock) of the last packet and of the last new picture. */
  lastPacketAt = 0;
  lastFrameAt = 0;

  constructor(
    codec: 'h264' | 'h265' | 'other',
    private readonly clockRate = 90_000,
  ) {
    this.units = new AccessUnitTracker(codec);
    this.judge = new TimestampJudge(clockRate);
  }

  /** Accounts one RTP packet; returns its NAL flags (NAL_PICTURE, NAL_KEYFRAME, NAL_SPS) or -1 if it is not RTP. */
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
    if (!this.started) this.firstPacketAt = arrivalMs;
    const fresh = !this.started || ssrc !== this.ssrc;
    if (fresh) this.restart(seq, ssrc);
    else this.updateSeq(seq);
    const gap = !fresh && seq !== this.nextSeq;
    this.nextSeq = (seq + 1) & 0xffff;
    const marker = ((data[offset + 1] as number) & 0x80) !== 0;
    const flags = this.units.onPacket(data, start, end, ts, marker, gap);
    if ((flags & NAL_PICTURE) !== 0) this.onPicture(ts, arrivalMs, (flags & NAL_KEYFRAME) !== 0);
    return flags;
  }

  /** The timestamp verdict right now (also carried by every window). */
  get timestampFault(): TimestampFault | undefined {
    return this.judge.fault;
  }

  private restart(seq: number, ssrc: number): void {
    this.started = true;
    this.ssrc = ssrc;
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.cycles = 0;
    this.badSeq = -1;
    this.received = 1;
    this.expectedPrior = 0;
    this.receivedPrior = 0;
    this.lastKeyTs = undefined;
    this.lastKeyAt = undefined;
    this.units.reset();
    this.judge.reset();
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

  private onPicture(ts: number, arrivalMs: number, keyframe: boolean): void {
    this.winFrames += 1;
    this.lastFrameAt = arrivalMs;
    const arrivalUnits = (arrivalMs * this.clockRate) / 1000;
    const step = this.judge.onPicture(ts, arrivalMs);
    // Jitter is sampled once per picture: packets of one picture share a timestamp but leave the
    // camera in a burst, so per-packet transit differences measure packetisation, not the network.
    if (step > 0 && step <= this.clockRate * 10 && this.judge.fault === undefined) {
      const d = arrivalUnits - this.lastArrivalUnits - step;
      this.jitter += (Math.abs(d) - this.jitter) / 16;
    }
    this.lastArrivalUnits = arrivalUnits;
    if (keyframe) this.onKeyframe(ts, arrivalMs);
  }

  private onKeyframe(ts: number, arrivalMs: number): void {
    this.winKeyframes += 1;
    if (this.lastKeyTs !== undefined) {
      const ticks = (ts - this.lastKeyTs) | 0;
      if (ticks > 0) this.keyIntervalTicks = ticks;
    }
    if (this.lastKeyAt !== undefined) this.keyIntervalMs = arrivalMs - this.lastKeyAt;
    this.lastKeyTs = ts;
    this.lastKeyAt = arrivalMs;
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
    const fault = this.judge.fault;
    const rtpFps = this.judge.takeRtpFps();
    // Unusable timestamps: count pictures against our own clock, as a viewer would see them.
    const fps = fault !== undefined ? (this.winFrames > 0 ? this.winFrames / elapsedS : undefined) : rtpFps;
    const keyframeIntervalS =
      fault !== undefined
        ? this.keyIntervalMs === undefined
          ? undefined
          : this.keyIntervalMs / 1000
        : this.keyIntervalTicks === undefined
          ? undefined
          : this.keyIntervalTicks / this.clockRate;
    const window: RtpWindow = {
      packets: this.winPackets,
      bytes: this.winBytes,
      frames: this.winFrames,
      fps: fps === undefined ? undefined : round2(fps),
      fpsSource: fps === undefined ? undefined : fault !== undefined ? 'arrival' : 'rtp',
      timestampFault: fault,
      bitrateKbps: round2((this.winBytes * 8) / elapsedS / 1000),
      lossPct: expectedInterval > 0 && lostInterval > 0 ? round2((lostInterval / expectedInterval) * 100) : 0,
      jitterMs: round2((this.jitter / this.clockRate) * 1000),
      keyframeIntervalS: keyframeIntervalS === undefined ? undefined : round2(keyframeIntervalS),
      keyframes: this.winKeyframes,
      frozen: this.started && this.lastPacketAt - Math.max(this.lastFrameAt, this.firstPacketAt) > FROZEN_MS,
    };
    this.winPackets = 0;
    this.winBytes = 0;
    this.winFrames = 0;
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
