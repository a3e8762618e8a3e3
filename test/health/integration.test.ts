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
    ['stalled stream', { status: 'offline', reasons: ['stall: no packets for 3s'] }, false, 'stream_stalled'],
    ['unknown camera', { status: 'unknown' }, false, 'camera_offline'],
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
