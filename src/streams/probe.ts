import type { Clock } from '../shared/clock.js';
import type { Log } from '../shared/log.js';
import type { Net } from '../shared/net.js';
import { safeUrl } from '../shared/redact.js';
import { RTP_TIMESTAMPS_INVALID, type StreamStats } from '../shared/types.js';
import type { RtspCredential } from './rtsp/rtspAuth.js';
import { type CloseReason, type RtpTransport, RtspSession, type SessionPhase } from './rtsp/rtspSession.js';

/** The layers a technician checks in order; the first that fails is the answer. */
export const PROBE_LAYERS = ['tcp', 'options', 'describe', 'play', 'keyframe', 'frames'] as const;
export type ProbeLayer = (typeof PROBE_LAYERS)[number];

export interface ProbeStreamFacts {
  readonly codec?: string;
  readonly profile?: string;
  readonly width?: number;
  readonly height?: number;
  readonly fps?: number;
  readonly bitrateKbps?: number;
  readonly keyframeIntervalS?: number;
  readonly lossPct?: number;
  readonly jitterMs?: number;
  /** The RTP timestamps are unusable; fps and keyframe interval were measured from arrival times. */
  readonly timestampFault?: StreamStats['timestampFault'];
}

export interface ProbeResult {
  readonly ok: boolean;
  /** Without credentials. */
  readonly url: string;
  readonly failedLayer?: ProbeLayer;
  readonly reason?: CloseReason | 'no_keyframe' | 'frames_not_advancing';
  readonly error?: { readonly code: string; readonly message: string };
  readonly layers: readonly { readonly layer: ProbeLayer; readonly ok: boolean; readonly atMs?: number }[];
  readonly stream?: ProbeStreamFacts;
  /** The RTP transport SETUP settled on (UDP when the camera refused TCP). */
  readonly transport?: RtpTransport;
  /** On a passed probe: what is wrong with the video all the same (health's reason tokens). */
  readonly reasons?: readonly string[];
}

export interface ProbeOptions {
  readonly url: string;
  readonly credential?: RtspCredential;
  readonly connectTimeoutMs?: number;
  readonly stepTimeoutMs?: number;
  /** After PLAY, the first keyframe must arrive within this. */
  readonly keyframeTimeoutMs?: number;
  /** How long frames are watched for "advancing" and the figures. */
  readonly watchMs?: number;
  /** RTP transports to try in order; default TCP, then UDP when refused. */
  readonly transports?: readonly RtpTransport[];
}

/** Which layer was being attempted when the session closed in `phase`. */
const LAYER_OF_PHASE: Record<SessionPhase, ProbeLayer> = {
  idle: 'tcp',
  connecting: 'tcp',
  options: 'options',
  describe: 'describe',
  setup: 'play',
  play: 'play',
  playing: 'keyframe',
  closed: 'tcp',
};

/** Layered probe for `camgate probe`: TCP → OPTIONS → DESCRIBE → PLAY → first keyframe → frames advancing. */
export async function probeStream(
  deps: { clock: Clock; net: Net; log: Log },
  options: ProbeOptions,
): Promise<ProbeResult> {
  const run = new ProbeRun(deps, options);
  try {
    return await run.run();
  } finally {
    run.dispose();
  }
}

class ProbeRun {
  private readonly started: number;
  private readonly reached: { layer: ProbeLayer; ok: boolean; atMs?: number }[] = [];
  private readonly session: RtspSession;
  private lastPhase: SessionPhase = 'idle';
  private keyframeSeen = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly deps: { clock: Clock; net: Net; log: Log },
    private readonly options: ProbeOptions,
  ) {
    this.started = deps.clock.monotonic();
    this.session = new RtspSession(deps, {
      url: options.url,
      credential: options.credential,
      connectTimeoutMs: options.connectTimeoutMs ?? 5000,
      stepTimeoutMs: options.stepTimeoutMs ?? 5000,
      stallMs: options.keyframeTimeoutMs ?? 5000,
      transports: options.transports,
      onPhase: (phase) => this.onPhase(phase),
      onKeyframe: () => {
        this.keyframeSeen = true;
        this.wake?.();
      },
    });
  }

  async run(): Promise<ProbeResult> {
    const session = this.session;
    session.start();
    // Every step before PLAY has its own deadline, so the session closes rather than hangs.
    if (!(await this.until(() => session.phase === 'playing', 3_600_000))) {
      return this.fail(LAYER_OF_PHASE[this.lastPhase], await session.stop());
    }
    const keyframe = await this.until(() => this.keyframeSeen, this.options.keyframeTimeoutMs ?? 5000);
    if (!keyframe) return this.fail('keyframe', session.phase === 'closed' ? 'stall' : 'no_keyframe');
    this.mark('keyframe');
    session.takeSample(this.deps.clock.monotonic());
    await this.until(() => false, this.options.watchMs ?? 2000);
    const sample = session.takeSample(this.deps.clock.monotonic());
    if (session.phase === 'closed' || !sample || sample.window.frames < 2 || sample.window.frozen) {
      return this.fail('frames', 'frames_not_advancing');
    }
    this.mark('frames');
    const stream = { ...factsOf(session), ...sampleFacts(sample.stats) };
    const fault = sample.window.timestampFault;
    const reasons = fault === undefined ? [] : [`${RTP_TIMESTAMPS_INVALID} ${fault}`];
    return {
      ok: true,
      url: safeUrl(this.options.url),
      layers: this.reached,
      stream,
      reasons,
      transport: session.transport,
    };
  }

  dispose(): void {
    void this.session.stop();
  }

  /** True once `done()` holds (re-checked on phase and keyframe events); false at the deadline or on close. */
  private async until(done: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = this.deps.clock.monotonic() + timeoutMs;
    while (!done()) {
      const left = deadline - this.deps.clock.monotonic();
      if (left <= 0 || this.session.phase === 'closed') return false;
      const changed = new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      const timer = new AbortController();
      // The sleep rejects when we abort it below; that is the normal way out, not an error.
      const sleep = this.deps.clock.sleep(left, timer.signal).catch(() => undefined);
      await Promise.race([changed, sleep, this.session.closed]);
      timer.abort();
    }
    return true;
  }

  private onPhase(phase: SessionPhase): void {
    if (phase === 'closed') return;
    const done = PROBE_LAYERS.indexOf(LAYER_OF_PHASE[phase]) - 1;
    for (const layer of PROBE_LAYERS.slice(this.reached.length, done + 1)) this.mark(layer);
    this.lastPhase = phase;
    this.wake?.();
  }

  private mark(layer: ProbeLayer): void {
    this.reached.push({ layer, ok: true, atMs: Math.round(this.deps.clock.monotonic() - this.started) });
  }

  private fail(layer: ProbeLayer, reason: ProbeResult['reason']): ProbeResult {
    const err = this.session.closeError;
    return {
      ok: false,
      url: safeUrl(this.options.url),
      failedLayer: layer,
      reason,
      error: err ? { code: err.code, message: err.message } : undefined,
      layers: [...this.reached, { layer, ok: false }],
      stream: factsOf(this.session),
      transport: this.session.transport,
    };
  }
}

function factsOf(session: RtspSession): ProbeStreamFacts | undefined {
  const video = session.presentation?.video;
  if (!video) return undefined;
  const p = session.videoParams;
  return {
    codec: video.codec,
    profile: p?.profile,
    width: p?.width,
    height: p?.height,
    fps: video.sdpFramerate,
  };
}

function sampleFacts(stats: ProbeStreamFacts): ProbeStreamFacts {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(stats)) if (v !== undefined) out[k] = v;
  return out as ProbeStreamFacts;
}
