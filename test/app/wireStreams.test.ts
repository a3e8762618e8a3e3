import { describe, expect, it } from 'vitest';
import { targetsFor } from '../../src/app/wireStreams.js';
import { parseConfigText } from '../../src/config/load.js';
import type { CameraRecord } from '../../src/shared/types.js';

const config = parseConfigText(`
site: { id: s }
gateway: { id: g }
credentials:
  - { match: 10.9.0.0/24, username: viewer, password: pw1 }
cameras:
  - { id: lpr-1, class: lpr, monitor: { mode: sampled, profile: main, intervalSeconds: 60, durationSeconds: 5 } }
`);

function camera(id: string, address: string): CameraRecord {
  return {
    id,
    address,
    source: 'onvif',
    class: 'overview',
    ptz: false,
    classConfidence: 1,
    classEvidence: [],
    profiles: [
      { token: 'p0', name: 'main', rtspUrl: `rtsp://${address}/main`, role: 'main' },
      { token: 'p1', name: 'sub', rtspUrl: `rtsp://${address}/sub`, role: 'sub' },
    ],
    firstSeenAt: '2026-01-01T00:00:00Z',
    lastSeenAt: '2026-01-01T00:00:00Z',
  };
}

describe('targetsFor', () => {
  const log = { warn: () => undefined };

  it('watches the sub-stream continuously by default, with the matching credential', () => {
    const [t] = targetsFor(config, [camera('cam-a', '10.9.0.5')], log);
    expect(t).toEqual({
      cameraId: 'cam-a',
      url: 'rtsp://10.9.0.5/sub',
      credential: { username: 'viewer', password: 'pw1', allowBasic: false },
      mode: 'continuous',
      intervalSeconds: 300,
      durationSeconds: 10,
    });
  });

  it('applies a per-camera monitor override (sampled main stream for a session-limited LPR)', () => {
    const [t] = targetsFor(config, [camera('lpr-1', '10.8.0.9')], log);
    expect(t).toMatchObject({
      url: 'rtsp://10.8.0.9/main',
      mode: 'sampled',
      intervalSeconds: 60,
      durationSeconds: 5,
    });
    expect(t?.credential).toBeUndefined();
  });

  it('regression: an override written with an 00-11-22-… MAC reaches the monitor (it was ignored)', () => {
    // Field bug: discovery matched the entry (MAC normalised) but the stream monitor compared the
    // MAC as written, so the camera was watched on the default sub stream, continuously.
    const byMac = parseConfigText(`
site: { id: s }
gateway: { id: g }
cameras:
  - { mac: 00-1C-27-AA-BB-CC, monitor: { mode: sampled, profile: main, intervalSeconds: 120 } }
`);
    const cam = { ...camera('cam-001c27aabbcc', '10.9.0.7'), mac: '00:1c:27:aa:bb:cc' };
    expect(targetsFor(byMac, [cam], log)[0]).toMatchObject({
      url: 'rtsp://10.9.0.7/main',
      mode: 'sampled',
      intervalSeconds: 120,
    });
  });

  it('skips a camera without any stream profile', () => {
    expect(targetsFor(config, [{ ...camera('x', '10.9.0.6'), profiles: [] }], log)).toEqual([]);
  });
});
