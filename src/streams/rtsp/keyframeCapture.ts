import type { Clock, TimerHandle } from '../../shared/clock.js';
import { CamgateError } from '../../shared/errors.js';
import { KeyframeAssembler } from './keyframeAssembler.js';
import { ParameterSets } from './parameterSets.js';
import type { VideoTrack } from './presentation.js';

/** Keyframes dropped for loss, none whole: the capture gives up (RTSP_LOSSY). */
export const LOSSY_KEYFRAMES = 2;

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
  private lostKeyframes = 0;
  private settled = false;
  private readonly onAbort = (): void => this.end(this.request.signal.reason);

  constructor(
    readonly codec: 'h264' | 'h265',
    fmtp: Readonly<Record<string, string>> | undefined,
    clock: Clock,
    private readonly request: KeyframeRequest,
    private readonly done: (capture: KeyframeCapture) => void,
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
      () => this.onLostKeyframe(),
    );
    this.timer = clock.setTimeout(
      () =>
        this.end(
          this.lostKeyframes > 0
            ? this.lossy()
            : new CamgateError(
                'RTSP_TIMEOUT',
                `no whole keyframe within ${request.timeoutMs} ms of the stream`,
              ),
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
    this.done(this);
    if (this.got === 0) this.rejectFirst(err);
    this.resolveSecond(undefined);
  }

  /**
   * Keyframes come but lose packets: after LOSSY_KEYFRAMES of them and none whole, the link is
   * lossy (not the stream dead), so the capture ends at once with RTSP_LOSSY and the caller falls
   * back to a decoder that conceals errors, rather than waiting out the deadline for an error.
   */
  private onLostKeyframe(): void {
    this.lostKeyframes += 1;
    if (this.got === 0 && this.lostKeyframes >= LOSSY_KEYFRAMES) this.end(this.lossy());
  }

  private lossy(): CamgateError {
    return new CamgateError('RTSP_LOSSY', `${this.lostKeyframes} keyframe(s) seen, each with a lost packet`);
  }

  private onUnit(unit: Buffer): void {
    if (this.settled) return;
    this.got += 1;
    if (this.got === 1) this.resolveFirst(unit);
    else this.resolveSecond(unit);
    if (this.got >= this.request.count) this.end(undefined);
  }
}

/**
 * A session's one capture slot (rtspSession.ts): arms a capture on request, hands it the video
 * track's RTP packets while armed (one branch per packet when not), and settles it at the
 * session's end.
 */
export class CaptureSlot {
  private capture: KeyframeCapture | undefined;

  constructor(private readonly clock: Clock) {}

  /**
   * The next keyframe(s) of `video` (the playing session's track, undefined when not playing).
   * One capture at a time (BUSY); throws when not playing H.264/H.265 or already aborted.
   */
  arm(video: Pick<VideoTrack, 'codec' | 'fmtp'> | undefined, request: KeyframeRequest): KeyframeGrab {
    if (!video || (video.codec !== 'h264' && video.codec !== 'h265'))
      throw new CamgateError('RTSP_PROTOCOL', 'no playing H.264/H.265 session to take keyframes from');
    if (this.capture) throw new CamgateError('BUSY', 'a keyframe capture is already armed on this session');
    // An already-aborted capture would settle inside its constructor, before it is stored: armed
    // for ever after (every later capture BUSY).
    if (request.signal.aborted) throw request.signal.reason;
    // Only its own: a late `done` must not disarm a newer capture.
    const done = (cap: KeyframeCapture): void => {
      if (this.capture === cap) this.capture = undefined;
    };
    this.capture = new KeyframeCapture(video.codec, video.fmtp, this.clock, request, done);
    return this.capture;
  }

  onPacket(data: Uint8Array, offset: number, length: number): void {
    if (this.capture !== undefined) this.capture.onPacket(data, offset, length);
  }

  /** The session ended: an armed capture fails with `err`. */
  end(err: unknown): void {
    this.capture?.end(err);
  }
}
