import { describe, expect, it } from 'vitest';
import { initialHealthState, reduceHealth } from '../../src/health/healthMachine.js';
import {
  isDown,
  outageEdge,
  recordingOutageEdge,
  streamOutageEdge,
  uplinkLinkState,
  uplinkOutageCause,
  uplinkOutageEdge,
} from '../../src/health/outage.js';
import { CRASH_LOOP_DEFAULTS, type HealthRules } from '../../src/health/streamQuality.js';
import {
  CAMERA_STATUSES,
  type CameraStatus,
  type OutageEdge,
  type RecordingStatus,
} from '../../src/shared/types.js';

describe('isDown', () => {
  it.each<[CameraStatus, boolean]>([
    ['offline', true],
    ['unauthorized', true],
    ['online', false],
    ['degraded', false],
    ['unknown', false],
  ])('%s → %s', (status, down) => {
    expect(isDown(status)).toBe(down);
  });
});

describe('streamOutageEdge (the one place outage start/end is decided)', () => {
  it.each<[CameraStatus, CameraStatus, OutageEdge | undefined]>([
    ['online', 'offline', 'start'],
    ['degraded', 'unauthorized', 'start'],
    // a camera dead since boot is an outage, not "no data"
    ['unknown', 'offline', 'start'],
    ['unknown', 'unauthorized', 'start'],
    ['offline', 'online', 'end'],
    ['unauthorized', 'degraded', 'end'],
    // down to down is the same outage
    ['offline', 'unauthorized', undefined],
    ['unauthorized', 'offline', undefined],
    // nobody has seen the camera come back
    ['offline', 'unknown', undefined],
    ['online', 'degraded', undefined],
    ['unknown', 'online', undefined],
  ])('%s → %s: %s', (from, to, edge) => {
    expect(streamOutageEdge(from, to)).toBe(edge);
  });

  it('over every pair of statuses: a start enters down, an end leaves it for a known status', () => {
    for (const from of CAMERA_STATUSES) {
      for (const to of CAMERA_STATUSES) {
        const edge = streamOutageEdge(from, to);
        const expected =
          !isDown(from) && isDown(to)
            ? 'start'
            : isDown(from) && !isDown(to) && to !== 'unknown'
              ? 'end'
              : undefined;
        expect(edge, `${from} → ${to}`).toBe(expected);
      }
    }
  });

  it('outageEdge: the rule other kinds of outage share', () => {
    expect(outageEdge(false, 'down')).toBe('start');
    expect(outageEdge(true, 'up')).toBe('end');
    expect(outageEdge(true, 'unknown')).toBeUndefined();
    expect(outageEdge(true, 'down')).toBeUndefined();
    expect(outageEdge(false, 'up')).toBeUndefined();
  });
});

describe('recordingOutageEdge (recording.stale / recording.ok)', () => {
  it.each<[RecordingStatus | undefined, RecordingStatus, OutageEdge | undefined]>([
    [undefined, 'stale', 'start'],
    ['unknown', 'stale', 'start'],
    ['ok', 'stale', 'start'],
    ['stale', 'stale', undefined],
    ['stale', 'ok', 'end'],
    // recording switched off or unverifiable: nobody saw it come back
    ['stale', 'off', undefined],
    ['stale', 'unknown', undefined],
    [undefined, 'ok', undefined],
    ['unknown', 'ok', undefined],
  ])('%s → %s: %s', (from, to, edge) => {
    expect(recordingOutageEdge(from, to)).toBe(edge);
  });
});

describe('the health machine stamps each transition with its edge', () => {
  const rules: HealthRules = {
    stallSeconds: 3,
    minFpsRatio: 0.5,
    maxLossPct: 5,
    maxKeyframeIntervalSeconds: 10,
    hysteresisSeconds: 0,
    ...CRASH_LOOP_DEFAULTS,
  };

  it('unknown → online → offline → online carries none, start, end', () => {
    let state = initialHealthState(0);
    const edges: (OutageEdge | undefined)[] = [];
    const step = (kind: 'packets' | 'stall', at: number) => {
      const result = reduceHealth(state, { type: 'sample', kind }, at, rules);
      state = result.state;
      for (const t of result.transitions) edges.push(t.outage);
    };
    step('packets', 0);
    step('stall', 1000);
    step('packets', 2000);
    expect(edges).toEqual([undefined, 'start', 'end']);
  });
});

describe('uplink outage edges (issue #12 item 3)', () => {
  it.each([
    // [was down, link, edge, state]
    [false, { connected: false, cause: 'refused' as const }, 'start', 'down'],
    [true, { connected: false }, undefined, 'down'],
    [true, { connected: true }, 'end', 'up'],
    [true, { connected: true, centre: 'online' as const }, 'end', 'up'],
    // Connected, the centre's retained state not heard yet: neither starts nor ends an outage.
    [true, { connected: true, centre: 'unknown' as const }, undefined, 'unknown'],
    [false, { connected: true, centre: 'unknown' as const }, undefined, 'unknown'],
    [false, { connected: true, centre: 'offline' as const }, 'start', 'down'],
    [false, { connected: true }, undefined, 'up'],
  ])('was down %s, link %o → %s', (wasDown, link, edge, state) => {
    expect(uplinkOutageEdge(wasDown, link)).toBe(edge);
    expect(uplinkLinkState(link)).toBe(state);
  });

  it('names the cause: the link error, or centre_offline while connected', () => {
    expect(uplinkOutageCause({ connected: false, cause: 'tls_failure' })).toBe('tls_failure');
    expect(uplinkOutageCause({ connected: false })).toBe('broker_unreachable');
    expect(uplinkOutageCause({ connected: true, centre: 'offline' })).toBe('centre_offline');
  });
});
