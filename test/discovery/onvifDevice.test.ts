import { afterEach, describe, expect, it } from 'vitest';
import { type ReplayCamera, startReplayCamera } from '../../fixtures/sim/replayCamera.js';
import { interrogate } from '../../src/discovery/interrogate.js';
import { type OnvifDevice, SoapOnvifDevice } from '../../src/discovery/onvifDevice.js';
import { systemClock } from '../../src/shared/clock.js';
import { CamgateError } from '../../src/shared/errors.js';
import { systemNet } from '../../src/shared/net.js';
import { testBase } from '../fixtures/sim/helpers.js';
import { CORPUS } from './corpus.js';

/**
 * Regression tests for bugs found by replaying real vendor captures (corpus `onvif/<device>/`)
 * through SoapOnvifDevice; the whole path is covered by integration/corpusReplay.sim.test.ts.
 */
const cameras: ReplayCamera[] = [];
afterEach(async () => {
  for (const c of cameras.splice(0)) await c.stop();
});
let host = 1;
async function replay(device: string, clockNeedsAuth = false): Promise<ReplayCamera> {
  const cam = await startReplayCamera({
    corpusRoot: CORPUS,
    device,
    address: testBase(84, host++),
    password: 'pw',
    clockNeedsAuth,
  });
  cameras.push(cam);
  return cam;
}
function soapDevice(cam: ReplayCamera, withCredential = true): SoapOnvifDevice {
  return new SoapOnvifDevice(
    { clock: systemClock, net: systemNet },
    {
      xaddr: cam.xaddr,
      address: cam.address,
      credential: withCredential ? { username: 'admin', password: 'pw', allowBasic: false } : undefined,
      deadlineMs: 4000,
      maxBytes: 2 * 1024 * 1024,
    },
  );
}

describe('SoapOnvifDevice on replayed vendor captures', () => {
  it.each([
    ['dvc-dcn-bm2220lpr', '2026-09-28T04:01:37Z'],
    ['ezviz-ds-2de2c400ig-w-w', '2026-10-07T17:46:20Z'],
  ])(
    '%s refusing unauthenticated GetSystemDateAndTime (field capture: HTTP 401): the clock is read with Digest',
    async (device, utc) => {
      // Was: ONVIF_AUTH "GetSystemDateAndTime: HTTP 401, credentials refused", with the right
      // password, and the camera was never interrogated.
      const cam = await replay(device, true);
      const t = await soapDevice(cam).systemDateAndTime();
      expect(t.cameraMs).toBe(Date.parse(utc));
      expect(cam.calls.map((c) => c.status)).toContain(401);
      expect(cam.calls.at(-1)).toMatchObject({ op: 'device.GetSystemDateAndTime', status: 200 });
    },
  );

  it('without a credential that refusal is still ONVIF_AUTH', async () => {
    const cam = await replay('ezviz-ds-2de2c400ig-w-w', true);
    await expect(soapDevice(cam, false).systemDateAndTime()).rejects.toMatchObject({ code: 'ONVIF_AUTH' });
  });

  it('EZVIZ lists Media2 but faults its GetProfiles: profiles, stream and snapshot URIs come from Media1', async () => {
    // Was: ONVIF_FAULT "GetProfiles: Optional Action Not Implemented", no profiles at all.
    const cam = await replay('ezviz-ds-2de2c400ig-w-w');
    const dev = soapDevice(cam);
    const services = await dev.services();
    expect(services.media2).toBe(`http://${cam.address}:${cam.port}/onvif/Media2`);
    const profiles = await dev.profiles(services);
    expect(profiles.map((p) => [p.token, p.width, p.height])).toEqual([
      ['Profile_1', 2560, 1440],
      ['Profile_2', 768, 432],
    ]);
    expect(await dev.streamUri(services, 'Profile_1')).toBe(
      `rtsp://${cam.address}:554/Streaming/Channels/101?transportmode=unicast&profile=Profile_1`,
    );
    expect(await dev.snapshotUri(services, 'Profile_1')).toBe(
      `http://${cam.address}:${cam.port}/onvif/snapshot?Profile_1`,
    );
    expect(cam.calls.map((c) => c.op).slice(-4)).toEqual([
      'media2.GetProfiles',
      'media.GetProfiles',
      'media.GetStreamUri',
      'media.GetSnapshotUri',
    ]);
  });

  it('a Media2 GetProfiles fault with no Media1 service is still the problem', async () => {
    const cam = await replay('ezviz-ds-2de2c400ig-w-w');
    const dev = soapDevice(cam);
    const { media: _media, ...services } = await dev.services();
    await expect(dev.profiles(services)).rejects.toMatchObject({ code: 'ONVIF_FAULT' });
  });
});

describe('interrogate when GetSystemDateAndTime fails', () => {
  const fake = (clockError: CamgateError): OnvifDevice => ({
    address: '127.0.0.9',
    systemDateAndTime: () => Promise.reject(clockError),
    deviceInformation: () => Promise.resolve({ manufacturer: 'DVC', model: 'DRN-3282R' }),
    networkInterfaces: () => Promise.resolve([]),
    services: () => Promise.resolve({ device: 'http://127.0.0.9/onvif/device_service' }),
    profiles: () =>
      Promise.resolve([{ token: 'p1', name: 'p1', width: 1920, height: 1080, ptz: false, lens: false }]),
    streamUri: () => Promise.resolve('rtsp://127.0.0.9:554/ch1'),
    snapshotUri: () => Promise.resolve(undefined),
    videoSources: () => Promise.resolve([]),
    videoSourceModes: () => Promise.resolve({ viewModes: [], descriptions: [] }),
    eventTopics: () => Promise.resolve([]),
  });
  const target = {
    address: '127.0.0.9',
    xaddr: 'http://127.0.0.9/onvif/device_service',
    via: 'unicast' as const,
  };

  it.each([
    new CamgateError(
      'ONVIF_FAULT',
      'GetSystemDateAndTime: method name or namespace not recognized (s:Sender)',
    ),
    new CamgateError('ONVIF_AUTH', 'GetSystemDateAndTime: HTTP 401, credentials refused'),
  ])('$code on the clock: the rest is still asked, no clock offset, no problem', async (err) => {
    // Was: the DRN-3282R replay stopped at the clock with nothing learnt (problem ONVIF_FAULT).
    const r = await interrogate(fake(err), target);
    expect(r.problem).toBeUndefined();
    expect(r.clockOffsetMs).toBeUndefined();
    expect(r.info.model).toBe('DRN-3282R');
    expect(r.profiles.map((p) => p.rtspUrl)).toEqual(['rtsp://127.0.0.9:554/ch1']);
  });

  it('a timeout on the clock is still the problem (an unreachable camera is not half-interrogated)', async () => {
    const r = await interrogate(fake(new CamgateError('ONVIF_TIMEOUT', 'no answer')), target);
    expect(r.problem?.code).toBe('ONVIF_TIMEOUT');
  });
});
