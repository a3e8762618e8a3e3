import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { ownRecordingWanted, planFor, recordingWanted } from '../../src/recording/recordingPlans.js';
import type { StreamProfile } from '../../src/shared/types.js';

const profiles: StreamProfile[] = [
  { token: 's', name: 'sub', rtspUrl: 'rtsp://127.0.0.9/sub', role: 'sub' },
  { token: 'm', name: 'main', rtspUrl: 'rtsp://127.0.0.9/main', role: 'main' },
];
const camera = { id: 'cam-1', address: '127.0.0.9', profiles };
const credential = () => ({ username: 'admin', password: 'p@ss:word' });

function config(extra: Record<string, unknown>) {
  return configSchema.parse({ site: { id: 's' }, gateway: { id: 'g' }, ...extra });
}

describe('planFor', () => {
  it('records the main profile by default, with credentials only in the URL it hands ffmpeg', () => {
    const plan = planFor(camera, config({ recording: { enabled: true } }), credential);
    expect(plan).toMatchObject({ source: 'own', key: 'own|rtsp://127.0.0.9/main' });
    expect(plan.url?.()).toBe('rtsp://admin:p%40ss%3Aword@127.0.0.9/main');
    expect(plan.key).not.toContain('word');
  });

  it('records the sub profile when the site or the camera asks for it; the camera wins', () => {
    const site = planFor(camera, config({ recording: { enabled: true, profile: 'sub' } }), credential);
    expect(site.key).toBe('own|rtsp://127.0.0.9/sub');
    const own = planFor(
      camera,
      config({
        recording: { enabled: true, profile: 'sub' },
        cameras: [{ id: 'cam-1', recordProfile: 'main' }],
      }),
      credential,
    );
    expect(own.key).toBe('own|rtsp://127.0.0.9/main');
  });

  it('falls back to the only profile a camera has', () => {
    const single = { ...camera, profiles: [profiles[0] as StreamProfile] };
    const plan = planFor(single, config({ recording: { enabled: true } }), credential);
    expect(plan.key).toBe('own|rtsp://127.0.0.9/sub');
  });

  it('an external recorder wins over our own; record: false turns a camera off', () => {
    const ext = planFor(
      camera,
      config({ recording: { enabled: true, external: [{ camera: 'cam-1', pattern: '/nvr/cam-1/*' }] } }),
      credential,
    );
    expect(ext).toMatchObject({ source: 'external', pattern: '/nvr/cam-1/*' });
    const off = planFor(
      camera,
      config({ recording: { enabled: true }, cameras: [{ address: '127.0.0.9', record: false }] }),
      credential,
    );
    expect(off.source).toBe('none');
  });

  it('regression: record: on an entry matched by serial is honoured (it was ignored)', () => {
    // Field bug: discovery matched the entry by serial, recording looked for id or address only,
    // so `record: true` on a serial entry recorded nothing (and `record: false` recorded anyway).
    const unit = { ...camera, id: 'cam-0011223344aa', serial: 'SN-7781', mac: '00:11:22:33:44:aa' };
    const on = planFor(unit, config({ cameras: [{ serial: 'SN-7781', record: true }] }), credential);
    expect(on).toMatchObject({ source: 'own', key: 'own|rtsp://127.0.0.9/main' });
    const off = planFor(
      unit,
      config({ recording: { enabled: true }, cameras: [{ serial: 'SN-7781', record: false }] }),
      credential,
    );
    expect(off.source).toBe('none');
    const byMac = planFor(
      unit,
      config({ cameras: [{ mac: '00-11-22-33-44-AA', record: true, recordProfile: 'sub' }] }),
      credential,
    );
    expect(byMac.key).toBe('own|rtsp://127.0.0.9/sub');
  });

  it('recording is wanted when enabled, external, or one camera records', () => {
    expect(recordingWanted(config({}))).toBe(false);
    expect(recordingWanted(config({ cameras: [{ id: 'x', record: true }] }))).toBe(true);
    expect(recordingWanted(config({ recording: { external: [{ camera: 'x', pattern: '/a/*' }] } }))).toBe(
      true,
    );
  });

  it('our own ffmpeg records (recording.dir is ours to guard) only when enabled or a camera says record', () => {
    expect(ownRecordingWanted(config({ recording: { enabled: true } }))).toBe(true);
    expect(ownRecordingWanted(config({ cameras: [{ id: 'x', record: true }] }))).toBe(true);
    expect(ownRecordingWanted(config({ recording: { edge: [{ camera: 'x' }] } }))).toBe(false);
    expect(ownRecordingWanted(config({ recording: { external: [{ camera: 'x', pattern: '/a/*' }] } }))).toBe(
      false,
    );
  });
});
