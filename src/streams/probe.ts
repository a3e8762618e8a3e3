import type { Clock } from '../shared/clock.js';
import type { Log } from '../shared/log.js';
import type { Net } from '../shared/net.js';
import { safeUrl } from '../shared/redact.js';
import type { RtspCredential } from './rtsp/rtspAuth.js';
import { type CloseReason, RtspSession, type SessionPhase } from './rtsp/rtspSession.js';

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
  const started = deps.clock.monotonic();
  const reached: { layer: ProbeLayer; ok: boolean; atMs?: number }[] = [];
  let lastPhase: SessionPhase = 'idle';
  let keyframeAt: number | undefined;
  let onKeyframe: (() => void) | undefined;
  let onPlaying: (() => void) | undefined;
  const playing = new Promise<'playing'>((resolve) => {
    onPlaying = () => resolve('playing');
  });
  const mark = (layer: ProbeLayer): void => {
    reached.push({ layer, ok: true, atMs: Math.round(deps.clock.monotonic() - started) });
  };
  const session = new RtspSession(deps, {
    url: options.url,
    credential: options.credential,
    connectTimeoutMs: options.connectTimeoutMs ?? 5000,
    stepTimeoutMs: options.stepTimeoutMs ?? 5000,
    stallMs: options.keyframeTimeoutMs ?? 5000,
    onPhase: (phase) => {
      if (phase === 'closed') return;
      if (phase === 'playing') onPlaying?.();
      const done = PROBE_LAYERS.indexOf(LAYER_OF_PHASE[phase]) - 1;
      for (const layer of PROBE_LAYERS.slice(reached.length, done + 1)) mark(layer);
      lastPhase = phase;
    },
    onKeyframe: (at) => {
      keyframeAt ??= at;
      onKeyframe?.();
    },
  });
  const url = safeUrl(options.url);
  const fail = (layer: ProbeLayer, reason: ProbeResult['reason']): ProbeResult => {
    const err = session.closeError;
    return {
      ok: false,
      url,
      failedLayer: layer,
      reason,
      error: err ? { code: err.code, message: err.message } : undefined,
      layers: [...reached, { layer, ok: false }],
      stream: factsOf(session),
    };
  };
  session.start();
  const closedEarly = await Promise.race([session.closed, playing]);
  if (closedEarly !== 'playing') return fail(LAYER_OF_PHASE[lastPhase], closedEarly);
  const gotKey = await Promise.race([
    new Promise<true>((resolve) => {
      onKeyframe = () => resolve(true);
      if (keyframeAt !== undefined) resolve(true);
    }),
    deps.clock.sleep(options.keyframeTimeoutMs ?? 5000).then(() => false as const),
    session.closed.then(() => false as const),
  ]);
  if (!gotKey) {
    await session.stop();
    return fail('keyframe', 'no_keyframe');
  }
  mark('keyframe');
  session.takeSample(deps.clock.monotonic());
  await Promise.race([deps.clock.sleep(options.watchMs ?? 2000), session.closed]);
  const sample = session.takeSample(deps.clock.monotonic());
  const closed = session.phase === 'closed';
  await session.stop();
  if (closed || !sample || sample.window.frames < 2 || sample.window.frozen)
    return fail('frames', 'frames_not_advancing');
  mark('frames');
  return { ok: true, url, layers: reached, stream: { ...factsOf(session), ...sampleFacts(sample.stats) } };
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
