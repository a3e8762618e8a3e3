import { Backoff } from '../shared/backoff.js';
import type { Clock } from '../shared/clock.js';
import type { CamgateError } from '../shared/errors.js';
import type { CamgateEvents, EventBus } from '../shared/events.js';
import type { Log } from '../shared/log.js';
import type { Net } from '../shared/net.js';
import { redactText } from '../shared/redact.js';
import type { KeyframeGrab, KeyframeRequest } from './rtsp/keyframeCapture.js';
import type { ReadPacer } from './rtsp/readPacer.js';
import type { CloseReason, RtpTransport, RtspSession as RtspSessionType } from './rtsp/rtspSession.js';
import { RtspSession } from './rtsp/rtspSession.js';
import type { UdpPortPool } from './rtsp/udpPortPool.js';
import type { StreamTarget } from './streamTarget.js';
import type { Ticker } from './ticker.js';

export interface SupervisorDeps {
  readonly clock: Clock;
  readonly net: Net;
  readonly log: Log;
  readonly events: EventBus;
  readonly ticker: Ticker;
  /** Shared by every camera: config `streams.udpPortRange`. */
  readonly udpPorts?: UdpPortPool;
  /** Shared by every camera: batched reads of playing TCP sessions. */
  readonly readPacer?: ReadPacer;
}

export interface SupervisorOptions {
  readonly stallMs: number;
  readonly sampleEveryMs: number;
  readonly connectTimeoutMs: number;
  readonly stepTimeoutMs: number;
  readonly backoff: { readonly initialMs: number; readonly maxMs: number; readonly jitter: number };
  /** This many sessions in a row that fail or die within `stableMs` of PLAY → wait `pauseMs`. */
  readonly crashLoop: { readonly limit: number; readonly stableMs: number; readonly pauseMs: number };
}

type Kind = CamgateEvents['stream.sample']['kind'];

const KIND_FOR: Record<CloseReason, Kind | undefined> = {
  stopped: undefined,
  unauthorized: 'unauthorized',
  refused: 'refused',
  unreachable: 'unreachable',
  timeout: 'closed',
  protocol: 'closed',
  stall: 'stall',
  eof: 'closed',
};

/**
 * One camera's loop (go2rtc producer / scrypted prebuffer shape): run a session, report, back off,
 * run the next. A generation counter makes a loop whose target changed or stopped exit at its
 * next await instead of racing the new one.
 */
export class CameraSupervisor {
  private generation = 0;
  private abort = new AbortController();
  private session: RtspSessionType | undefined;
  private readonly backoff: Backoff;
  private readonly log: Log;
  private quickFailures = 0;
  private loop: Promise<void> = Promise.resolve();
  /** What the last session that played used: auto tries it first next time. */
  private learnt: RtpTransport | undefined;

  constructor(
    private target: StreamTarget,
    private readonly deps: SupervisorDeps,
    private readonly options: SupervisorOptions,
  ) {
    this.backoff = new Backoff(options.backoff);
    this.log = deps.log.child({ module: 'streams', cameraId: target.cameraId });
  }

  get phase(): string {
    return this.session?.phase ?? 'idle';
  }

  /** The next keyframes of the session playing now (picture checks, #17); undefined when none plays H.264/H.265. */
  captureKeyframes(request: KeyframeRequest): KeyframeGrab | undefined {
    const codec = this.session?.presentation?.video.codec;
    if (this.session?.phase !== 'playing' || (codec !== 'h264' && codec !== 'h265')) return undefined;
    return this.session.captureKeyframes(request);
  }

  /** The transport this camera last played over (undefined until one session has). */
  get transport(): RtpTransport | undefined {
    return this.learnt;
  }

  start(): void {
    const gen = ++this.generation;
    this.abort = new AbortController();
    this.loop = this.run(gen, this.abort.signal);
  }

  /** Replaces the target and restarts the loop (stale retries exit by generation). */
  async update(target: StreamTarget): Promise<void> {
    await this.stop();
    if (target.url !== this.target.url || target.transport !== this.target.transport) this.learnt = undefined;
    this.target = target;
    this.backoff.reset();
    this.quickFailures = 0;
    this.start();
  }

  async stop(): Promise<void> {
    this.generation += 1;
    this.abort.abort(new Error('supervisor stopped'));
    await this.session?.stop();
    await this.loop;
  }

  private async run(gen: number, signal: AbortSignal): Promise<void> {
    while (gen === this.generation && !signal.aborted) {
      const startedAt = this.deps.clock.monotonic();
      const { reason, playedAt, reported, answered } = await this.runSession(gen);
      if (gen !== this.generation) return;
      const now = this.deps.clock.monotonic();
      const sampledStop = this.target.mode === 'sampled' && reason === 'stopped';
      // A planned end of a sample is not a failure, but health must know no data is due until the next one.
      if (sampledStop) this.emit('paused', undefined, `sampled: next in ${this.target.intervalSeconds}s`);
      else if (!reported) this.report(reason, undefined);
      const stable = playedAt !== undefined && now - playedAt >= this.options.crashLoop.stableMs;
      // The crash loop is about a camera that answers and fails at once. One that never took the
      // connection (refused, unreachable, no SYN-ACK) costs one connect per backoff step: pausing it
      // for crashLoop.pauseMs would only report its return minutes late (a false outage).
      if (stable || sampledStop) this.quickFailures = 0;
      else if (answered) this.quickFailures += 1;
      try {
        await this.deps.clock.sleep(this.delayAfter(sampledStop, now - startedAt), signal);
      } catch {
        return; // aborted by stop()/update(): the new generation (if any) owns the camera now.
      }
    }
  }

  private delayAfter(sampledStop: boolean, elapsedMs: number): number {
    if (sampledStop) return Math.max(0, this.target.intervalSeconds * 1000 - elapsedMs);
    const delay = this.backoff.next();
    const { limit, pauseMs } = this.options.crashLoop;
    if (this.quickFailures < limit) return delay;
    if (this.quickFailures === limit)
      this.log.error({ failures: this.quickFailures, pauseMs }, 'stream crash loop; pausing');
    return Math.max(delay, pauseMs);
  }

  private async runSession(gen: number): Promise<{
    reason: CloseReason;
    playedAt?: number;
    /** Health already heard of the end (from the session's `closed` phase, inside its tick). */
    reported: boolean;
    /** The camera took the TCP connection (the session got past connecting). */
    answered: boolean;
  }> {
    let playedAt: number | undefined;
    let reported = false;
    let untick: (() => void) | undefined;
    let lastSampleAt = 0;
    const session = new RtspSession(this.deps, {
      url: this.target.url,
      credential: this.target.credential,
      connectTimeoutMs: this.options.connectTimeoutMs,
      stepTimeoutMs: this.options.stepTimeoutMs,
      stallMs: this.options.stallMs,
      ticker: this.deps.ticker,
      transports: this.transportOrder(),
      udpPorts: this.deps.udpPorts,
      readPacer: this.deps.readPacer,
      onPhase: (phase) => {
        // Reported where the session ends, not a microtask later: a stall found by the shared tick
        // is then persisted inside that tick's one commit (#14: 1,024 stalls, 1,024 fsyncs).
        const reason = session.closeReason;
        if (phase === 'closed' && reason && reason !== 'stopped' && gen === this.generation) {
          reported = true;
          this.report(reason, session.closeError);
        }
        if (phase !== 'playing') return;
        if (this.learnt !== session.transport) {
          this.learnt = session.transport;
          this.log.info({ transport: this.learnt }, 'stream plays over this RTP transport');
        }
        playedAt = this.deps.clock.monotonic();
        lastSampleAt = playedAt;
        session.takeSample(playedAt);
        this.backoff.reset();
        this.emit('connected', {
          codec: session.presentation?.video.codec,
          ...sizeOf(session),
          transport: session.transport,
        });
        untick = this.deps.ticker.add((now) => {
          if (
            this.target.mode === 'sampled' &&
            now - (playedAt ?? now) >= this.target.durationSeconds * 1000
          ) {
            void session.stop();
            return;
          }
          if (now - lastSampleAt < this.options.sampleEveryMs) return;
          lastSampleAt = now;
          const sample = session.takeSample(now);
          // Packets without a coded picture (parameter sets, SEI, padding) are not video: health's own
          // stall clock must keep running for them (issue #12).
          if (sample && sample.window.frames > 0) this.emit('packets', sample.stats);
        });
      },
    });
    this.session = session;
    session.start();
    const reason = await session.closed;
    untick?.();
    this.session = undefined;
    if (reason !== 'stopped') {
      this.log.warn({ reason, err: session.closeError }, 'stream session closed');
    }
    return { reason, playedAt, reported, answered: session.closedIn !== 'connecting' };
  }

  /** config tcp/udp: that one only; auto: what played last time first, TCP before UDP when unknown. */
  private transportOrder(): RtpTransport[] {
    const wanted = this.target.transport ?? 'auto';
    if (wanted !== 'auto') return [wanted];
    return this.learnt === 'udp' ? ['udp', 'tcp'] : ['tcp', 'udp'];
  }

  /** Detail is evidence for `camgate why` and health's reason tokens ("ECONNREFUSED" → connection_refused). */
  private report(reason: CloseReason, error: CamgateError | undefined): void {
    const kind = KIND_FOR[reason];
    if (kind) this.emit(kind, undefined, error ? `${reason}: ${redactText(error.message)}` : reason);
  }

  private emit(kind: Kind, stats?: CamgateEvents['stream.sample']['stats'], detail?: string): void {
    try {
      this.deps.events.emit('stream.sample', {
        cameraId: this.target.cameraId,
        kind,
        stats,
        detail,
        at: this.deps.clock.now(),
      });
    } catch (err) {
      // A subscriber's bug must not kill this camera's supervisor loop.
      this.log.error({ err, kind }, 'stream.sample listener threw');
    }
  }
}

function sizeOf(session: RtspSessionType): { width?: number; height?: number } {
  const p = session.videoParams;
  return p ? { width: p.width, height: p.height } : {};
}
