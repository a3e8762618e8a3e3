import type { Socket } from 'node:net';
import { CamgateError, errorMessage } from '../../shared/errors.js';
import type { Log } from '../../shared/log.js';
import { Ticker } from '../ticker.js';
import { type CloseReason, reasonFor, type SessionPhase } from './closeReason.js';
import type { VideoParams } from './h264Sps.js';
import { CaptureSlot, type KeyframeGrab, type KeyframeRequest } from './keyframeCapture.js';
import { NAL_KEYFRAME, NAL_SPS } from './nalUnits.js';
import { type Presentation, paramsFromRtpPacket, parsePresentation } from './presentation.js';
import type { PacedReads } from './readPacer.js';
import { RtpStats } from './rtpStats.js';
import { credentialOf } from './rtspAuth.js';
import { RtspClient } from './rtspClient.js';
import { keepaliveIntervalMs, parsePublic, parseSession, type SessionHeader } from './rtspHeaders.js';
import { expectOk } from './rtspMessage.js';
import { splitRtspUrl } from './rtspRequest.js';
import type { RtspSessionDeps, RtspSessionOptions, SessionSample } from './rtspSessionOptions.js';
import { takeSessionSample } from './sessionSample.js';
import { connectWithDeadline } from './tcpConnect.js';
import { type RtpTransport, type SetupResult, setupVideo } from './transportSetup.js';
import { UDP_BUDGET_PER_SECOND, UDP_FLOOD_SECONDS, UdpMedia, udpPeer } from './udpMedia.js';
import { type UdpPortPair, UdpPortPool } from './udpPortPool.js';

export type { CloseReason, SessionPhase } from './closeReason.js';
export type { RtspSessionDeps, RtspSessionOptions, SessionSample } from './rtspSessionOptions.js';
export type { RtpTransport } from './transportSetup.js';

/** The shared tick runs every ≤ 250 ms; a gap of four periods is a blocked event loop. */
const LATE_TICK_MS = 1000;

/**
 * One RTSP health session: OPTIONS → DESCRIBE (auth) → SETUP (video only; TCP interleaved, or
 * RTP/AVP over UDP with RTCP receiver reports when the camera refuses TCP) → PLAY, keepalive
 * before the server's session timeout, TEARDOWN on stop. Every step has a deadline; every failure
 * ends in `closed` with a reason, never in a throw; UDP ports are released on every end.
 */
export class RtspSession {
  readonly closed: Promise<CloseReason>;
  private resolveClosed!: (reason: CloseReason) => void;
  private currentPhase: SessionPhase = 'idle';
  private reason: CloseReason | undefined;
  private closedInPhase: SessionPhase | undefined;
  private error: CamgateError | undefined;
  private client: RtspClient | undefined;
  private socket: Socket | undefined;
  private untick: (() => void) | undefined;
  private presentationValue: Presentation | undefined;
  private inbandParams: VideoParams | undefined;
  private stats: RtpStats | undefined;
  private readonly keyframes: CaptureSlot;
  private rtpChannel = 0;
  private transportValue: RtpTransport | undefined;
  private media: UdpMedia | undefined;
  private paced: PacedReads | undefined;
  private session: SessionHeader | undefined;
  private keepaliveMethod: 'GET_PARAMETER' | 'OPTIONS' = 'OPTIONS';
  private nextKeepaliveAt = 0;
  private playingSince = 0;
  private lastTickAt = 0;
  private readonly target: ReturnType<typeof splitRtspUrl>;
  private readonly log: Log;

  constructor(
    private readonly deps: RtspSessionDeps,
    private readonly options: RtspSessionOptions,
  ) {
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    this.keyframes = new CaptureSlot(deps.clock);
    try {
      this.target = splitRtspUrl(options.url);
    } catch (err) {
      // A bad URL (or rtsps://, which this client does not speak) must end in `closed`, not a throw
      // out of a supervisor loop.
      this.target = { url: 'rtsp://invalid/', host: 'invalid', port: 554 };
      this.error = new CamgateError('RTSP_PROTOCOL', `unusable RTSP URL: ${errorMessage(err)}`, {
        cause: err,
      });
    }
    this.log = deps.log.child({ module: 'rtsp', url: this.target.url });
  }

  get phase(): SessionPhase {
    return this.currentPhase;
  }

  /** The phase the session was in when it closed (undefined while open). */
  get closedIn(): SessionPhase | undefined {
    return this.closedInPhase;
  }

  /** Why the session closed, when it closed on an error. */
  get closeError(): CamgateError | undefined {
    return this.error;
  }

  /** Why the session closed, from the `closed` phase on (what `closed` resolves with). */
  get closeReason(): CloseReason | undefined {
    return this.reason;
  }

  /** The RTP transport SETUP settled on; undefined before. */
  get transport(): RtpTransport | undefined {
    return this.transportValue;
  }

  get presentation(): Presentation | undefined {
    return this.presentationValue;
  }

  get videoParams(): VideoParams | undefined {
    return this.presentationValue?.video.params ?? this.inbandParams;
  }

  /** Monotonic ms of the last new coded picture (or of PLAY, before the first one). */
  get lastFrameAt(): number {
    return Math.max(this.stats?.lastFrameAt ?? 0, this.playingSince);
  }

  start(): void {
    if (this.currentPhase !== 'idle') return;
    if (this.error) this.finish('protocol', this.error);
    else void this.run();
  }

  /** Sends TEARDOWN (best effort) and closes; resolves with the close reason. */
  stop(): Promise<CloseReason> {
    if (this.session && this.client && this.currentPhase !== 'closed') {
      this.client.sendOnly({
        method: 'TEARDOWN',
        url: this.presentationValue?.baseUrl ?? this.target.url,
        headers: { Session: this.session.id },
      });
    }
    this.finish('stopped', undefined);
    return this.closed;
  }

  /** Closes the current stats window; undefined before PLAY. */
  takeSample(nowMs: number): SessionSample | undefined {
    const video = this.presentationValue?.video;
    if (!this.stats || !video) return undefined;
    return takeSessionSample(
      this.stats,
      video,
      this.videoParams,
      this.transportValue,
      nowMs,
      this.paced !== undefined,
    );
  }

  /**
   * The next keyframe(s) of the video track, from this session's own packets (picture checks, #17:
   * no ffmpeg of their own on the camera). One capture at a time; throws when not playing H.264/H.265.
   */
  captureKeyframes(request: KeyframeRequest): KeyframeGrab {
    return this.keyframes.arm(
      this.currentPhase === 'playing' ? this.presentationValue?.video : undefined,
      request,
    );
  }

  /** Stall and keepalive checks, driven by the shared ticker. */
  tick(nowMs: number): void {
    if (this.currentPhase !== 'playing') return;
    const stallMs = this.options.stallMs ?? 5000;
    const late = nowMs - this.lastTickAt > LATE_TICK_MS;
    this.lastTickAt = nowMs;
    // A tick this late means the event loop was blocked: the packets of that time still wait unread
    // in the socket. Judged at the next tick, after a read, or every camera stalls at once (#14).
    // A paced socket's unread bytes are not judged either: only what was read (`knownUntil`).
    const known = this.paced?.knownUntil(nowMs) ?? nowMs;
    if (known - this.lastFrameAt > stallMs && !late) {
      this.finish(
        'stall',
        new CamgateError('RTSP_TIMEOUT', `no new video frame for ${stallMs} ms${this.media?.note() ?? ''}`),
      );
      return;
    }
    this.media?.tick(nowMs);
    if (nowMs >= this.nextKeepaliveAt && this.session && this.client) {
      this.client.sendOnly({
        method: this.keepaliveMethod,
        url: this.target.url,
        headers: { Session: this.session.id },
      });
      this.scheduleKeepalive(nowMs);
    }
  }

  private async run(): Promise<void> {
    try {
      this.setPhase('connecting');
      const socket = await connectWithDeadline(
        this.deps,
        this.target,
        this.options.connectTimeoutMs ?? 5000,
        (sock) => {
          this.socket = sock;
        },
        (chunk) => {
          const now = this.deps.clock.monotonic();
          this.client?.receive(chunk, now);
          return this.paced?.afterRead(chunk.length, now);
        },
      );
      if (this.currentPhase === 'closed') return;
      this.client = new RtspClient(socket, {
        clock: this.deps.clock,
        credential: credentialOf(this.options.credential, this.target),
        limits: this.options.limits,
        onInterleaved: (channel, data, offset, length, atMs) =>
          this.onInterleaved(channel, data, offset, length, atMs),
        onEnd: (err) => this.finish(err ? reasonFor(err, this.currentPhase) : 'eof', err),
      });
      await this.handshake(this.client);
    } catch (err) {
      const e =
        err instanceof CamgateError
          ? err
          : new CamgateError('RTSP_PROTOCOL', errorMessage(err), { cause: err });
      this.finish(reasonFor(e, this.currentPhase), e);
    }
  }

  private async handshake(client: RtspClient): Promise<void> {
    const step = this.options.stepTimeoutMs ?? 10_000;
    const url = this.target.url;
    this.setPhase('options');
    const options = await client.request({ method: 'OPTIONS', url }, step);
    // Some cameras answer OPTIONS with 404/501 and still stream; only the Public list matters here.
    if (parsePublic(options.headers.get('public')).has('GET_PARAMETER'))
      this.keepaliveMethod = 'GET_PARAMETER';
    this.setPhase('describe');
    const describe = expectOk(
      await client.request({ method: 'DESCRIBE', url, headers: { Accept: 'application/sdp' } }, step),
    );
    const presentation = parsePresentation(describe, url);
    this.presentationValue = presentation;
    this.setPhase('setup');
    const setup = await setupVideo(
      client,
      presentation.video.controlUrl,
      this.options.transports ?? ['tcp', 'udp'],
      step,
      () => (this.options.udpPorts ?? new UdpPortPool(this.deps.net)).open(),
    );
    this.transportValue = setup.transport;
    if (setup.pair) this.media = this.udpMedia(setup.pair, setup);
    if (this.currentPhase === 'closed') this.media?.close();
    this.session = parseSession(setup.response.headers.get('session'));
    if (!this.session) throw new CamgateError('RTSP_PROTOCOL', 'SETUP response has no usable Session header');
    // The server may pick other channels than we asked for (RFC 2326 12.39); follow its choice.
    this.rtpChannel = setup.answer?.interleaved?.[0] ?? 0;
    this.setPhase('play');
    expectOk(
      await client.request(
        {
          method: 'PLAY',
          url: presentation.baseUrl,
          headers: { Session: this.session.id, Range: 'npt=0.000-' },
        },
        step,
      ),
    );
    if (this.currentPhase === 'closed') return;
    this.stats = new RtpStats(presentation.video.codec, presentation.video.clockRate);
    const now = this.deps.clock.monotonic();
    this.playingSince = now;
    this.lastTickAt = now;
    this.scheduleKeepalive(now);
    this.media?.tick(now);
    const ticker = this.options.ticker ?? new Ticker(this.deps.clock, 250);
    this.untick = ticker.add((t) => this.tick(t));
    if (!this.media && this.socket) this.paced = this.options.readPacer?.track(this.socket, now);
    this.setPhase('playing');
  }

  private onInterleaved(channel: number, data: Buffer, offset: number, length: number, atMs: number): void {
    if (channel !== this.rtpChannel || this.media) return;
    this.onRtp(data, offset, length, atMs);
  }

  private onRtp(data: Buffer, offset: number, length: number, now: number): void {
    if (!this.stats) return;
    const flags = this.stats.onPacket(data, offset, length, now);
    if (flags >= 0) this.keyframes.onPacket(data, offset, length);
    if (flags <= 0) return;
    if ((flags & NAL_SPS) !== 0 && !this.videoParams) this.learnSps(data, offset, length);
    if ((flags & NAL_KEYFRAME) !== 0) this.options.onKeyframe?.(now);
  }

  /** Cameras that omit sprop-parameter-sets still send the SPS in-band before each keyframe. */
  private learnSps(data: Buffer, offset: number, length: number): void {
    const codec = this.presentationValue?.video.codec;
    if (codec !== 'h264' && codec !== 'h265') return;
    try {
      this.inbandParams = paramsFromRtpPacket(codec, data, offset, length);
    } catch (err) {
      this.log.debug({ err }, 'in-band SPS not parseable');
    }
  }

  /** Packets that arrive before PLAY's answer find no stats yet and are not counted. */
  private udpMedia(pair: UdpPortPair, setup: SetupResult): UdpMedia {
    return new UdpMedia({
      pair,
      peer: udpPeer(this.socket?.remoteAddress, setup.answer),
      budgetPerSecond: this.options.udpBudgetPerSecond ?? UDP_BUDGET_PER_SECOND,
      floodSeconds: UDP_FLOOD_SECONDS,
      cname: `camgate@${this.socket?.localAddress ?? 'localhost'}`,
      now: () => this.deps.clock.monotonic(),
      onRtp: (data, arrivalMs) => this.onRtp(data, 0, data.length, arrivalMs),
      reception: () => this.stats?.reception(),
      onFailure: (err) => this.finish('protocol', err),
    });
  }

  private scheduleKeepalive(nowMs: number): void {
    this.nextKeepaliveAt = nowMs + keepaliveIntervalMs(this.session);
  }

  private setPhase(phase: SessionPhase): void {
    if (this.currentPhase === 'closed') return;
    this.currentPhase = phase;
    this.options.onPhase?.(phase);
  }

  private finish(reason: CloseReason, err: CamgateError | undefined): void {
    if (this.currentPhase === 'closed') return;
    const phase = this.currentPhase;
    this.closedInPhase = phase;
    this.error = err;
    this.reason = reason;
    this.currentPhase = 'closed';
    this.untick?.();
    this.untick = undefined;
    this.paced?.close();
    this.client?.close();
    this.socket?.destroy();
    this.media?.close();
    this.keyframes.end(err ?? new CamgateError('RTSP_PROTOCOL', `stream session ${reason}`));
    if (reason !== 'stopped') this.log.debug({ reason, phase, err }, 'rtsp session closed');
    this.options.onPhase?.('closed');
    this.resolveClosed(reason);
  }
}
