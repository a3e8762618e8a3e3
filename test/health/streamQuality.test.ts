import { describe, expect, it } from 'vitest';
import {
  CRASH_LOOP_DEFAULTS,
  type HealthRules,
  qualityReasons,
  refusedReason,
  unreachableReason,
} from '../../src/health/streamQuality.js';
import { streamCauseOf } from '../../src/shared/causes.js';

const RULES: HealthRules = {
  stallSeconds: 3,
  minFpsRatio: 0.5,
  maxLossPct: 5,
  maxKeyframeIntervalSeconds: 10,
  hysteresisSeconds: 10,
  ...CRASH_LOOP_DEFAULTS,
};

describe('qualityReasons', () => {
  it.each([
    ['no stats', undefined, 25, []],
    ['healthy', { fps: 25, lossPct: 0.1, keyframeIntervalS: 2 }, 25, []],
    ['fps exactly at the floor is fine', { fps: 12.5 }, 25, []],
    ['fps low', { fps: 4.94 }, 15, ['fps_low 4.9<7.5']],
    ['fps known, expected unknown', { fps: 1 }, undefined, []],
    ['loss high', { lossPct: 7.25 }, undefined, ['loss_high 7.3>5']],
    ['keyframe interval long', { keyframeIntervalS: 30 }, undefined, ['keyframe_interval 30>10']],
    // Issue #12: pictures under unusable RTP timestamps: fps is from arrival, the stream is degraded.
    [
      'RTP timestamps constant',
      { fps: 25, timestampFault: 'constant' },
      25,
      ['rtp_timestamps_invalid constant'],
    ],
    ['RTP timestamps jumping', { fps: 25, timestampFault: 'jumps' }, 25, ['rtp_timestamps_invalid jumps']],
    [
      'all three',
      { fps: 2, lossPct: 50, keyframeIntervalS: 11 },
      25,
      ['fps_low 2<12.5', 'loss_high 50>5', 'keyframe_interval 11>10'],
    ],
  ] as const)('%s', (_name, stats, expected, reasons) => {
    expect(qualityReasons(stats, expected, RULES)).toEqual(reasons);
  });
});

describe('unreachableReason', () => {
  it.each([
    ['connect ECONNREFUSED 10.0.0.5:554', 'connection_refused'],
    ['Connection refused', 'connection_refused'],
    ['connect EHOSTUNREACH 10.0.0.5:554', 'host_unreachable'],
    ['connect ETIMEDOUT', 'connect_timeout'],
    ['timeout after 5 s', 'connect_timeout'],
    ['EPIPE', 'unreachable'],
    [undefined, 'unreachable'],
  ])('%s -> %s', (detail, reason) => {
    expect(unreachableReason(detail)).toBe(reason);
  });
});

describe('streamCauseOf (input of integration.ts)', () => {
  it.each([
    ['online', [], undefined],
    ['degraded', ['fps_low 4<7.5'], undefined],
    ['offline', ['stream_stalled'], 'stream_stalled'],
    ['offline', ['connection_refused', 'crash_loop 5/120s'], 'camera_offline'],
    ['unauthorized', ['unauthorized'], 'unauthorized'],
    ['unknown', ['not yet observed'], 'not_yet_seen'],
    ['unknown', ['ONVIF_TIMEOUT: GetProfiles: timed out'], 'not_yet_seen'],
  ] as const)('%s %j -> %s', (status, reasons, cause) => {
    expect(streamCauseOf(status, reasons)).toBe(cause);
  });
});

describe('stream_refused (issue #12: RTSP refused other than 401)', () => {
  it('names the status the camera answered, and is its own cause', () => {
    expect(refusedReason('refused: server answered 404 Not Found')).toBe('stream_refused 404');
    expect(refusedReason('refused: server answered 454 Session Not Found')).toBe('stream_refused 454');
    expect(refusedReason(undefined)).toBe('stream_refused');
    expect(streamCauseOf('offline', ['stream_refused 503'])).toBe('stream_refused');
    expect(streamCauseOf('offline', ['connection_refused'])).toBe('camera_offline');
  });
});
