import type { CameraRecord } from '../../../src/shared/types.js';

/** An ONVIF camera's inventory record (`cam-1`); `extra` sets what a test is about. */
export function onvifRecord(extra: Partial<CameraRecord> = {}): CameraRecord {
  return {
    id: 'cam-1',
    address: '127.0.0.9',
    source: 'onvif',
    class: 'overview',
    ptz: false,
    classConfidence: 0.3,
    classEvidence: [],
    profiles: [],
    firstSeenAt: '2026-12-05T08:00:00.000Z',
    lastSeenAt: '2026-12-05T08:00:00.000Z',
    ...extra,
  };
}
