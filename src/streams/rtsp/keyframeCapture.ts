import type { Clock, TimerHandle } from '../../shared/clock.js';
import { CamgateError } from '../../shared/errors.js';
import { KeyframeAssembler } from './keyframeAssembler.js';
import { ParameterSets } from './parameterSets.js';

export interface KeyframeRequest {
  /** 2: the check's second grab is the stream's next keyframe (a GOP later). */
  readonly count: 1 | 2;
  /** Both keyframes must arrive within this; only the first: the grab gives that one. */
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly maxBytes?: number;
}

/** Keyframes of one camera as self-contained Annex B access units (keyframeAssembler.ts). */
export interface KeyframeGrab {
  readonly codec: 'h264' | 'h265';
  readonly first: Promise<Buffer>;
  /** The next keyframe; undefined when only one was asked for or it did not come in time. Never rejects. */
  readonly second: Promise<Buffer | undefined>;
}

/**
 * One armed capture on a playing RTSP session: the session hands it every RTP packet of the
 * video track (TCP interleaved or UDP, one path) while it is armed, and drops it when `done`.
 * Unarmed, the session pays one branch per packet. Bounded: a deadline, the caller's abort
 * signal, the session's end, and a size cap per access unit all settle it.
 */
export class KeyframeCapture implements KeyframeGrab {
  readonly first: Promise<Buffer>;
  readonly second: Promise<Buffer | undefined>;
  private readonly assembler: KeyframeAssembler;
  private readonly timer: TimerHandle;
  private resolveFirst!: (unit: Buffer) => void;
  private rejectFirst!: (err: unknown) => void;
  private resolveSecond!: (unit: Buffer | undefined) => void;
  private got = 0;
  private settled = false;
  private readonly onAbort = (): void => this.end(this.request.signal.reason);

  constructor(
    readonly codec: 'h264' | 'h265',
    fmtp: Readonly<Record<string, string>> | undefined,
    clock: Clock,
    private readonly request: KeyframeRequest,
    private readonly done: () => void,
  ) {
    this.first = new Promise((resolve, reject) => {
      this.resolveFirst = resolve;
      this.rejectFirst = reject;
    });
    this.second = new Promise((resolve) => {
      this.resolveSecond = resolve;
    });
    // The first grab's failure is the caller's to handle; this keeps an unawaited one quiet.
    this.first.catch(() => undefined);
    this.assembler = new KeyframeAssembler(
      codec,
      new ParameterSets(codec, fmtp),
      (unit) => this.onUnit(unit),
      (err) => this.end(err),
      request.maxBytes,
    );
    this.timer = clock.setTimeout(
      () =>
        this.end(
          new CamgateError('RTSP_TIMEOUT', `no whole keyframe within ${request.timeoutMs} ms of the stream`),
        ),
      request.timeoutMs,
    );
    if (request.signal.aborted) this.onAbort();
    else request.signal.addEventListener('abort', this.onAbort, { once: true });
  }

  onPacket(data: Uint8Array, offset: number, length: number): void {
    this.assembler.onPacket(data, offset, length);
  }

  /** Settles what is still open with `err` (the first grab) or without a second picture. */
  end(err: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.timer.cancel();
    this.request.signal.removeEventListener('abort', this.onAbort);
    this.done();
    if (this.got === 0) this.rejectFirst(err);
    this.resolveSecond(undefined);
  }

  private onUnit(unit: Buffer): void {
    if (this.settled) return;
    this.got += 1;
    if (this.got === 1) this.resolveFirst(unit);
    else this.resolveSecond(unit);
    if (this.got >= this.request.count) this.end(undefined);
  }
}
