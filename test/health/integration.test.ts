import { describe, expect, it } from 'vitest';
import { type IntegrationInput, integrationOf } from '../../src/health/integration.js';

const healthy: IntegrationInput = { status: 'online', reasons: [], recording: 'ok', uplinkUp: true };

describe('integrationOf', () => {
  it.each<[string, Partial<IntegrationInput>, boolean, string | undefined]>([
    ['all healthy', {}, true, undefined],
    ['recording off still integrated', { recording: 'off' }, true, undefined],
    ['recording unknown still integrated', { recording: 'unknown' }, true, undefined],
    ['degraded still delivers video', { status: 'degraded' }, true, undefined],
    ['offline camera', { status: 'offline', reasons: ['tcp connect refused'] }, false, 'camera_offline'],
    [
      'stalled stream (health machine reason)',
      { status: 'offline', reasons: ['stream_stalled'] },
      false,
      'stream_stalled',
    ],
    ['closed session', { status: 'offline', reasons: ['session_closed'] }, false, 'camera_offline'],
    // Field bug: a camera not yet checked (just added, ONVIF answered but GetProfiles timed out,
    // daemon just booted) was told to the centre as camera_offline: "does not answer on the network".
    ['unknown camera: not yet seen, never camera_offline', { status: 'unknown' }, false, 'not_yet_seen'],
    [
      'unknown camera with the uplink down: not yet seen (nothing says the camera is fine)',
      { status: 'unknown', reasons: ['discovered, not yet observed'], uplinkUp: false },
      false,
      'not_yet_seen',
    ],
    [
      'unknown camera, recording stale: not yet seen',
      { status: 'unknown', recording: 'stale' },
      false,
      'not_yet_seen',
    ],
    ['unauthorized', { status: 'unauthorized' }, false, 'unauthorized'],
    ['recording stale', { recording: 'stale' }, false, 'recording_stale'],
    ['uplink down', { uplinkUp: false }, false, 'uplink_down'],
    ['centre says offline', { centre: 'offline' }, false, 'uplink_down'],
    ['centre not heard yet', { centre: 'unknown' }, false, 'uplink_down'],
    ['centre online', { centre: 'online' }, true, undefined],
    [
      'first broken link wins: camera before uplink',
      { status: 'offline', uplinkUp: false },
      false,
      'camera_offline',
    ],
    [
      'first broken link wins: recording before uplink',
      { recording: 'stale', uplinkUp: false },
      false,
      'recording_stale',
    ],
  ])('%s', (_name, patch, integrated, cause) => {
    expect(integrationOf({ ...healthy, ...patch })).toEqual({ integrated, cause });
  });
});
