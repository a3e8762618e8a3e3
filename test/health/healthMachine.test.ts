import { describe, expect, it } from 'vitest';
import {
  HEALTH_TICK_MS,
  type HealthEvent,
  type HealthState,
  healthReducer,
  initialHealthState,
  nextTick,
  reduceHealth,
  type TickTimes,
} from '../../src/health/healthMachine.js';
import { CRASH_LOOP_DEFAULTS, type HealthRules } from '../../src/health/streamQuality.js';
import type { StreamStats } from '../../src/shared/types.js';

const RULES: HealthRules = {
  stallSeconds: 3,
  minFpsRatio: 0.5,
  maxLossPct: 5,
  maxKeyframeIntervalSeconds: 10,
  hysteresisSeconds: 10,
  ...CRASH_LOOP_DEFAULTS,
};

const GOOD: StreamStats = {
  codec: 'H264',
  width: 1920,
  height: 1080,
  fps: 15,
  lossPct: 0,
  keyframeIntervalS: 2,
};
const SLOW: StreamStats = { ...GOOD, fps: 4.9 };

const pk = (stats?: StreamStats): HealthEvent => ({ type: 'sample', kind: 'packets', stats });
const ev = (
  kind: 'connected' | 'stall' | 'closed' | 'unauthorized' | 'unreachable' | 'paused',
  detail?: string,
): HealthEvent => ({
  type: 'sample',
  kind,
  detail,
});
const TICK: HealthEvent = { type: 'tick' };
const FPS15: HealthEvent = { type: 'expectedFps', fps: 15 };

/** [seconds, event]: every step runs through the reducer; transitions are collected as "from>to@s". */
type Step = readonly [number, HealthEvent];

function run(steps: readonly Step[], rules: HealthRules = RULES, start?: HealthState) {
  let state = start ?? initialHealthState(0);
  const seen: string[] = [];
  for (const [sec, event] of steps) {
    const result = reduceHealth(state, event, sec * 1000, rules);
    state = result.state;
    for (const t of result.transitions) seen.push(`${t.from}>${t.to}@${t.at / 1000}`);
  }
  return { state, seen };
}

/** Packets once a second from `from` to `to` seconds inclusive, as the streams module sends them. */
function flow(from: number, to: number, stats?: StreamStats): Step[] {
  const out: Step[] = [];
  for (let t = from; t <= to; t += 1) out.push([t, pk(stats)]);
  return out;
}

/** A camera that came up at t=0 with good packets and expected 15 fps. */
const UP: readonly Step[] = [
  [0, FPS15],
  [0, ev('connected')],
  [0, pk(GOOD)],
];

interface Case {
  readonly name: string;
  readonly steps: readonly Step[];
  readonly rules?: Partial<HealthRules>;
  readonly transitions: readonly string[];
  readonly status: string;
  readonly reasons?: readonly string[];
  readonly cause?: string;
}

const cases: readonly Case[] = [
  {
    name: 'first good packets: unknown goes online at once (no history to flap)',
    steps: UP,
    transitions: ['unknown>online@0'],
    status: 'online',
    reasons: [],
  },
  {
    name: 'stall sample: offline immediately, not held by hysteresis',
    steps: [...UP, [1, pk(GOOD)], [2, ev('stall')]],
    transitions: ['unknown>online@0', 'online>offline@2'],
    status: 'offline',
    reasons: ['stream_stalled'],
    cause: 'stream_stalled',
  },
  {
    name: 'packets stop without a stall sample: the tick declares the stall at exactly stallSeconds',
    steps: [...UP, [5, pk(GOOD)], [7.5, TICK], [7.999, TICK], [8, TICK], [8.5, TICK]],
    transitions: ['unknown>online@0', 'online>offline@8'],
    status: 'offline',
    reasons: ['stream_stalled'],
    cause: 'stream_stalled',
  },
  {
    name: 'a tick after a 3.5 s event-loop block does not count the block: no stall from unread packets (#14)',
    steps: [
      ...UP,
      [1, pk(GOOD)],
      [1.5, TICK],
      [5, { type: 'tick', blockedMs: 3500 }],
      [5.5, TICK],
      [6, pk(GOOD)],
    ],
    transitions: ['unknown>online@0'],
    status: 'online',
  },
  {
    name: 'a stall across a block is judged stallSeconds after the last packet plus the block',
    steps: [
      ...UP,
      [1, pk(GOOD)],
      [1.5, TICK],
      [5, { type: 'tick', blockedMs: 3500 }],
      [7.4, TICK],
      [7.5, TICK],
    ],
    transitions: ['unknown>online@0', 'online>offline@7.5'],
    status: 'offline',
    reasons: ['stream_stalled'],
  },
  {
    name: 'connected but no RTP ever: stalled after stallSeconds',
    steps: [
      [0, ev('connected')],
      [2, TICK],
      [3, TICK],
    ],
    transitions: ['unknown>offline@3'],
    status: 'offline',
    reasons: ['stream_stalled'],
  },
  {
    name: 'connection refused',
    steps: [...UP, [4, ev('unreachable', 'connect ECONNREFUSED 10.0.0.40:554')]],
    transitions: ['unknown>online@0', 'online>offline@4'],
    status: 'offline',
    reasons: ['connection_refused'],
    cause: 'camera_offline',
  },
  {
    name: 'host unreachable',
    steps: [[0, ev('unreachable', 'connect EHOSTUNREACH 10.0.0.40:554')]],
    transitions: ['unknown>offline@0'],
    status: 'offline',
    reasons: ['host_unreachable'],
  },
  {
    name: 'connect timeout',
    steps: [[0, ev('unreachable', 'RTSP connect timed out after 5000 ms')]],
    transitions: ['unknown>offline@0'],
    status: 'offline',
    reasons: ['connect_timeout'],
  },
  {
    name: 'unreachable without detail, then with an unknown detail: one transition, reasons refreshed',
    steps: [
      [0, ev('unreachable')],
      [1, ev('unreachable', 'ESOMETHING')],
    ],
    transitions: ['unknown>offline@0'],
    status: 'offline',
    reasons: ['unreachable'],
    cause: 'camera_offline',
  },
  {
    name: 'unauthorized (camera password changed)',
    steps: [...UP, [3, ev('unauthorized', '401 Digest realm')]],
    transitions: ['unknown>online@0', 'online>unauthorized@3'],
    status: 'unauthorized',
    reasons: ['unauthorized'],
    cause: 'unauthorized',
  },
  {
    name: 'low fps must hold for hysteresisSeconds before degraded',
    steps: [...UP, ...flow(1, 10, SLOW), [10.5, TICK], [10.9, TICK], [11, TICK]],
    transitions: ['unknown>online@0', 'online>degraded@11'],
    status: 'degraded',
    reasons: ['fps_low 4.9<7.5'],
    cause: undefined,
  },
  {
    name: 'degraded reached by a packet sample once the hysteresis has passed',
    steps: [...UP, [1, pk(SLOW)], [11, pk({ ...SLOW, fps: 4 })]],
    transitions: ['unknown>online@0', 'online>degraded@11'],
    status: 'degraded',
    reasons: ['fps_low 4<7.5'],
  },
  {
    name: 'flapping quality: a good sample cancels the pending degraded',
    steps: [
      ...UP,
      ...flow(1, 5, SLOW),
      ...flow(6, 12, GOOD),
      [12, TICK],
      ...flow(13, 20, SLOW),
      [20.5, TICK],
    ],
    transitions: ['unknown>online@0'],
    status: 'online',
    reasons: [],
  },
  {
    name: 'degraded reasons refresh without a transition',
    steps: [...UP, ...flow(1, 10, SLOW), [11, TICK], [12, pk({ ...SLOW, lossPct: 9 })]],
    transitions: ['unknown>online@0', 'online>degraded@11'],
    status: 'degraded',
    reasons: ['fps_low 4.9<7.5', 'loss_high 9>5'],
  },
  {
    name: 'recovery from a stall waits out the hysteresis, counted from the first good packet',
    steps: [
      ...UP,
      [2, ev('stall')],
      [4, ev('connected')],
      ...flow(4, 8, SLOW),
      ...flow(9, 13, GOOD),
      [13.9, TICK],
      [14, TICK],
    ],
    transitions: ['unknown>online@0', 'online>offline@2', 'offline>online@14'],
    status: 'online',
    reasons: [],
    cause: undefined,
  },
  {
    name: 'between online and degraded the hysteresis restarts when the candidate flips',
    steps: [
      ...UP,
      ...flow(1, 10, SLOW),
      [11, TICK],
      ...flow(12, 14, GOOD),
      [15, pk(SLOW)],
      ...flow(16, 25, GOOD),
      [25.5, TICK],
      [26, TICK],
    ],
    transitions: ['unknown>online@0', 'online>degraded@11', 'degraded>online@26'],
    status: 'online',
  },
  {
    name: 'hysteresis 0: every change is immediate',
    rules: { hysteresisSeconds: 0 },
    steps: [...UP, [1, pk(SLOW)], [2, pk(GOOD)]],
    transitions: ['unknown>online@0', 'online>degraded@1', 'degraded>online@2'],
    status: 'online',
  },
  {
    name: 'a closed session that reconnects within stallSeconds does not flap',
    steps: [
      ...UP,
      [1, ev('closed', 'teardown')],
      [2, TICK],
      [2.5, ev('connected')],
      [3, pk(GOOD)],
      [5, TICK],
    ],
    transitions: ['unknown>online@0'],
    status: 'online',
  },
  {
    name: 'regression: sampled mode holds the last status between samples instead of flapping offline',
    steps: [
      ...UP,
      [1, ev('paused', 'sampled: next in 300s')],
      [5, TICK],
      [299, TICK],
      [300, ev('connected')],
      ...flow(301, 305, GOOD),
      [305, TICK],
    ],
    transitions: ['unknown>online@0'],
    status: 'online',
  },
  {
    name: 'a sampled camera that does not answer its next sample goes offline',
    steps: [
      ...UP,
      [1, ev('paused')],
      [300, ev('unreachable', 'unreachable: connect ECONNREFUSED')],
      [301, TICK],
    ],
    transitions: ['unknown>online@0', 'online>offline@300'],
    status: 'offline',
  },
  {
    name: 'a closed session with no reconnect: offline session_closed after stallSeconds',
    steps: [...UP, [1, ev('closed', 'eof')], [2.9, TICK], [3, TICK]],
    transitions: ['unknown>online@0', 'online>offline@3'],
    status: 'offline',
    reasons: ['session_closed'],
    cause: 'camera_offline',
  },
  {
    name: 'regression: sessions failing before PLAY every 1.5 s (timeout, supervisor backoff) never went offline',
    steps: [
      [0, ev('closed', 'timeout')],
      [1.5, ev('closed', 'timeout')],
      [2.9, TICK],
      [3, ev('closed', 'protocol')],
      [3, TICK],
    ],
    transitions: ['unknown>offline@3'],
    status: 'offline',
    reasons: ['session_closed'],
    cause: 'camera_offline',
  },
  {
    name: 'regression: reaching PLAY then dying before any RTP, in a loop, is offline after stallSeconds',
    steps: [
      [0, { type: 'sample', kind: 'connected', stats: { codec: 'H265', width: 2560, height: 1440 } }],
      [0.5, ev('closed', 'eof')],
      [1.5, ev('connected')],
      [2, ev('closed', 'eof')],
      [2.9, TICK],
      [3, TICK],
    ],
    transitions: ['unknown>offline@3'],
    status: 'offline',
    reasons: ['session_closed'],
  },
  {
    name: 'a closed session of a down camera changes nothing, even after a connect',
    steps: [
      [0, ev('unreachable', 'ECONNREFUSED')],
      [5, ev('connected')],
      [5.5, ev('closed', 'eof')],
      [20, TICK],
    ],
    transitions: ['unknown>offline@0'],
    status: 'offline',
    reasons: ['connection_refused'],
  },
  {
    name: 'closed after unauthorized keeps the unauthorized reason',
    steps: [
      [0, ev('unauthorized')],
      [0.1, ev('closed')],
      [10, TICK],
    ],
    transitions: ['unknown>unauthorized@0'],
    status: 'unauthorized',
    reasons: ['unauthorized'],
  },
  {
    name: 'regression: crash-looping camera (reboots every ~10 s) is named, not silently flapping',
    steps: [
      [0, ev('connected')],
      [1, ev('unreachable', 'ECONNREFUSED')],
      [10, ev('connected')],
      [20, ev('connected')],
      [30, ev('connected')],
      [40, ev('connected')],
    ],
    transitions: ['unknown>offline@1'],
    status: 'offline',
    reasons: ['connection_refused', 'crash_loop 5/120s'],
  },
  {
    name: 'crash loop while data flows: degraded with the crash_loop reason',
    rules: { hysteresisSeconds: 0 },
    steps: [
      [0, ev('connected')],
      [10, ev('connected')],
      [20, ev('connected')],
      [30, ev('connected')],
      [40, ev('connected')],
      [40, pk(GOOD)],
    ],
    transitions: ['unknown>degraded@40'],
    status: 'degraded',
    reasons: ['crash_loop 5/120s'],
  },
  {
    name: 'old reconnects fall out of the crash-loop window',
    steps: [
      [0, ev('connected')],
      [1, ev('connected')],
      [2, ev('connected')],
      [3, ev('connected')],
      [200, ev('connected')],
      [200, pk(GOOD)],
    ],
    transitions: ['unknown>online@200'],
    status: 'online',
    reasons: [],
  },
  {
    name: 'a connected sample while online changes nothing',
    steps: [...UP, [1, ev('connected')], [2, TICK]],
    transitions: ['unknown>online@0'],
    status: 'online',
  },
  {
    name: 'packets without stats keep the last stats (and their verdict)',
    steps: [...UP, [1, pk()], [2, pk()]],
    transitions: ['unknown>online@0'],
    status: 'online',
  },
  {
    name: 'no expected fps: no fps rule; keyframe interval too long degrades',
    steps: [
      [0, pk({ fps: 1, keyframeIntervalS: 12 })],
      [1, TICK],
    ],
    transitions: ['unknown>degraded@0'],
    status: 'degraded',
    reasons: ['keyframe_interval 12>10'],
  },
  {
    // Issue #12: pictures keep coming under one constant RTP timestamp. Never offline, never
    // stalled: degraded (integrated, no cause) with the reason, and no stall while samples flow.
    name: 'RTP timestamps invalid while pictures arrive: degraded, not offline, for as long as it lasts',
    steps: [...UP, ...flow(1, 120, { ...GOOD, timestampFault: 'constant' }), [120.5, TICK]],
    transitions: ['unknown>online@0', 'online>degraded@11'],
    status: 'degraded',
    reasons: ['rtp_timestamps_invalid constant'],
    cause: undefined,
  },
  {
    name: 'first packets carry no stats at all: online',
    steps: [[0, pk()]],
    transitions: ['unknown>online@0'],
    status: 'online',
    reasons: [],
  },
  {
    // Field bug: a camera not yet checked was `camera_offline` ("does not answer on the network").
    name: 'tick on an idle unknown camera does nothing: not yet seen, not camera_offline',
    steps: [[100, TICK]],
    transitions: [],
    status: 'unknown',
    cause: 'not_yet_seen',
  },
  {
    name: 'connected but no video yet, within stallSeconds: still not yet seen',
    steps: [
      [0, ev('connected')],
      [2, TICK],
    ],
    transitions: [],
    status: 'unknown',
    cause: 'not_yet_seen',
  },
  {
    name: 'a camera that does not answer leaves not_yet_seen for camera_offline',
    steps: [[1, ev('unreachable', 'connect ECONNREFUSED 10.0.0.40:554')]],
    transitions: ['unknown>offline@1'],
    status: 'offline',
    cause: 'camera_offline',
  },
];

describe('healthMachine', () => {
  it.each(cases)('$name', (c) => {
    const { state, seen } = run(c.steps, { ...RULES, ...c.rules });
    expect(seen).toEqual(c.transitions);
    expect(state.status).toBe(c.status);
    if (c.reasons) expect(state.reasons).toEqual(c.reasons);
    if ('cause' in c) expect(state.cause).toBe(c.cause);
  });

  it('keeps evidence: last packet time, stats and detail', () => {
    const { state } = run([...UP, [1, pk(SLOW)], [2, ev('stall', 'no RTP for 3 s')]]);
    expect(state.lastPacketAt).toBe(1000);
    expect(state.stats).toEqual(SLOW);
    expect(state.detail).toBe('no RTP for 3 s');
    expect(state.since).toBe(2000);
    expect(state.expectedFps).toBe(15);
    const after = run([...UP, [1, ev('unreachable', 'ECONNREFUSED')], [2, ev('closed')], [3, pk(GOOD)]]);
    expect(after.state.detail).toBeUndefined();
    const kept = run([...UP, [1, ev('unreachable', 'ECONNREFUSED')], [2, ev('closed')]]);
    expect(kept.state.detail).toBe('ECONNREFUSED');
  });

  it('nextTick: a tick more than 1.5 s after the last is a blocked loop, by its gap beyond the previous gap', () => {
    expect(nextTick(undefined, 10_000)).toEqual({ ticks: { at: 10_000, gap: 0 }, blockedMs: 0 });
    expect(nextTick({ at: 9_500, gap: 500 }, 10_000).blockedMs).toBe(0);
    expect(nextTick({ at: 8_500, gap: 500 }, 10_000).blockedMs).toBe(0);
    expect(nextTick({ at: 6_500, gap: 500 }, 10_000)).toEqual({
      ticks: { at: 10_000, gap: 3_500 },
      blockedMs: 3_000,
    });
    // Late every time (a starved box): the stall clocks must still run.
    expect(nextTick({ at: 8_000, gap: 2_000 }, 10_000).blockedMs).toBe(0);
  });

  it.each([
    // [previous gap, this gap, blockedMs]: never more than the excess over the 500 ms period
    [50, 2_000, 1_500],
    [0, 2_000, 1_500],
    [499, 1_600, 1_100],
    [50, 1_500, 0],
    [500, 3_500, 3_000],
    [1_000, 3_500, 2_500],
    [2_000, 2_000, 0],
    [3_000, 2_000, 0],
  ])('nextTick: after a %i ms gap a %i ms gap credits %i ms blocked', (lastGap, gap, blocked) => {
    expect(nextTick({ at: 10_000 - gap, gap: lastGap }, 10_000)).toEqual({
      ticks: { at: 10_000, gap },
      blockedMs: blocked,
    });
    expect(blocked).toBeLessThanOrEqual(gap - HEALTH_TICK_MS);
  });

  it('nextTick: alternating catch-up and late ticks still run a real stall clock', () => {
    // A starved box: a 2 s late tick, then a 50 ms catch-up, over and over (10.25 s in all).
    let last: TickTimes | undefined = { at: 0, gap: 500 };
    let now = 0;
    let credited = 0;
    for (let i = 0; i < 5; i++) {
      for (const gap of [2_000, 50]) {
        now += gap;
        const next = nextTick(last, now);
        credited += next.blockedMs;
        last = next.ticks;
      }
    }
    // Each 2 s gap excuses at most its 1.5 s over the period: at least 2.75 s of the 10.25 s count.
    expect(credited).toBeLessThanOrEqual(5 * 1_500);
    expect(now - credited).toBeGreaterThanOrEqual(2_750);
  });

  it('healthReducer binds the rules into the (state, event, now) shape', () => {
    const reduce = healthReducer(RULES);
    const { state, transitions } = reduce(initialHealthState(0), pk(GOOD), 5);
    expect(state.status).toBe('online');
    expect(transitions).toEqual([{ from: 'unknown', to: 'online', reasons: [], cause: undefined, at: 5 }]);
  });

  it('is pure: the input state is not modified', () => {
    const start = initialHealthState(0);
    const frozen = Object.freeze({ ...start, connects: Object.freeze([...start.connects]) });
    expect(() => run([...UP, [1, ev('stall')], [2, TICK]], RULES, frozen)).not.toThrow();
    expect(frozen.status).toBe('unknown');
  });
});
