import fs from 'node:fs';
import type { Socket } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReplayCamera, startReplayCamera } from '../../../fixtures/sim/replayCamera.js';
import { discover } from '../../../src/discovery/discover.js';
import type { Interrogation } from '../../../src/discovery/interrogate.js';
import { SoapOnvifDevice } from '../../../src/discovery/onvifDevice.js';
import { systemClock } from '../../../src/shared/clock.js';
import { silentLog } from '../../../src/shared/log.js';
import { type Net, systemNet } from '../../../src/shared/net.js';
import type { CameraRecord } from '../../../src/shared/types.js';
import { testBase } from '../../fixtures/sim/helpers.js';
import { repoRoot, runCli } from '../../helpers/cli.js';
import { tempConfig } from '../../helpers/tempSite.js';
import { CORPUS, deviceFolders } from '../corpus.js';
import { EXPECTED_CLASS } from '../corpusExpectations.js';
import { siteConfig } from './siteConfig.js';

/**
 * The whole interrogation path (HTTP sweep → SoapClient with Digest → parsers → classify) against
 * "replay cameras" that answer with the bytes real devices sent (fixtures/sim/README.md "Replay
 * camera"). Every address a capture names is rewritten onto the replay camera's loopback address,
 * and the Net given to discovery refuses any other host, so nothing here reaches a capture's LAN.
 */

const PASSWORD = 'replay-pw';
/** `ADDR`/`PORT` are the replay camera's; values are read from the captures, not from our parsers. */
interface Row {
  readonly info?: { manufacturer: string; model: string; firmware: string; serial: string };
  /** The capture's UTCDateTime; absent when the folder has no GetSystemDateAndTime. */
  readonly cameraUtc?: string;
  readonly mac?: string;
  /** Profile tokens, largest first (main). */
  readonly profiles: readonly string[];
  /** The one GetStreamUri capture: every profile gets it. */
  readonly rtsp?: string;
  readonly snapshot?: string;
  /** Only where the folder lacks a capture interrogation needs; `why` says which. */
  readonly problem?: { code: string; message: RegExp; why: string };
}

const ROWS: Record<string, Row> = {
  'agsh-mockup': {
    info: {
      manufacturer: 'Mockup Manufacturer',
      model: 'Mockup Model',
      firmware: 'Mockup_15_14_13',
      serial: '00000000',
    },
    cameraUtc: '2014-12-24T19:14:37Z',
    mac: '28:57:be:65:7d:d5',
    profiles: ['main'],
    rtsp: 'rtsp://ADDR/h264main',
    // GetSnapshotUri.xml uses an undeclared `trt:` prefix: not servable, so the call faults (optional).
  },
  'axis-q6045-e': {
    info: { manufacturer: 'AXIS', model: 'AXIS Q6045-E', firmware: '5.55.1.2', serial: '00408CFAB754' },
    cameraUtc: '2018-02-27T23:09:59Z',
    mac: '00:40:8c:fa:b7:54',
    profiles: ['profile_1_h264', 'profile_1_jpeg'],
    rtsp: 'rtsp://ADDR/onvif-media/media.amp?profile=profile_1_jpeg&sessiontimeout=60&streamtype=unicast',
    snapshot: 'http://ADDR:PORT/onvif-cgi/jpg/image.cgi?resolution=1280x720&compression=20',
  },
  'dvc-dcn-bf5365': {
    info: { manufacturer: 'DVC', model: 'DCN-BF5365', firmware: '4.2', serial: 'REDACTED1' },
    profiles: [],
    problem: {
      code: 'ONVIF_FAULT',
      message: /^GetCapabilities: replay: no capture/,
      why: 'the folder holds GetDeviceInformation, GetScopes and GetStreamUri only: no GetServices, GetCapabilities or GetProfiles',
    },
  },
  'dvc-dcn-bm2220lpr': {
    info: { manufacturer: 'DVC', model: 'DCN-BM2220LPR', firmware: '5.1', serial: 'REDACTED1' },
    cameraUtc: '2026-09-28T04:01:37Z',
    mac: '02:00:00:00:00:15',
    profiles: ['profile1', 'profile2', 'profile3'],
    rtsp: 'rtsp://ADDR:554/profile1',
    snapshot: 'http://ADDR:PORT/snapshot.JPG',
  },
  'dvc-drn-3282r': {
    info: { manufacturer: '--', model: 'DRN-3282R', firmware: '1.4.6.47791B211105', serial: 'REDACTED1' },
    mac: '02:00:00:00:00:17',
    profiles: [],
    problem: {
      code: 'ONVIF_FAULT',
      message: /^GetProfiles: method name or namespace not recognized/,
      why: 'media2.GetProfiles and GetServices were not copied into the corpus, and its GetCapabilities lists no Media service',
    },
  },
  'ezviz-ds-2de2c400ig-w-w': {
    info: {
      manufacturer: 'EZVIZ',
      model: 'DS-2DE2C400IG-W-W',
      firmware: 'V5.3.8 build 260123',
      serial: 'REDACTED1',
    },
    cameraUtc: '2026-10-07T17:46:20Z',
    mac: '02:00:00:00:00:15',
    // Media2 is listed, but media2.GetProfiles is not in the corpus: read through Media1.
    profiles: ['Profile_1', 'Profile_2'],
    rtsp: 'rtsp://ADDR:554/Streaming/Channels/101?transportmode=unicast&profile=Profile_1',
    snapshot: 'http://ADDR:PORT/onvif/snapshot?Profile_1',
  },
  'hikvision-ds-2cd2012-i': {
    info: {
      manufacturer: 'HIKVISION',
      model: 'DS-2CD2012-I',
      firmware: 'V5.2.0 build 140721',
      serial: 'DS-2CD2012-I20150201CCWR501088621',
    },
    cameraUtc: '2018-02-27T18:34:41Z',
    mac: 'c0:56:e3:f9:55:68',
    profiles: ['Profile_1', 'Profile_2'],
    rtsp: 'rtsp://ADDR:554/Streaming/Channels/2?transportmode=unicast&profile=Profile_2',
    snapshot: 'http://ADDR:PORT/onvif-http/snapshot',
  },
  'hikvision-ds-2df7276-ael': {
    info: {
      manufacturer: 'HIKVISION',
      model: 'DS-2DF7276-AEL',
      firmware: 'V5.1.6 build 140401',
      serial: 'DS-2DF7276-AEL20140613CCWR468714298B',
    },
    cameraUtc: '2018-02-27T18:28:01Z',
    mac: '44:19:b6:3e:ba:a1',
    profiles: ['Profile_1', 'Profile_2', 'Profile_3'],
    rtsp: 'rtsp://ADDR:554/Streaming/Channels/3?transportmode=unicast&profile=Profile_3',
    snapshot: 'http://ADDR:PORT/onvif/snapshot',
  },
  'mixed-ex_onvif': {
    info: {
      manufacturer: 'Milesight Technology Co.,Ltd.',
      model: 'MS-C8165-PE',
      firmware: '61.8.0.3-r8',
      serial: 'EM82V102329001403',
    },
    cameraUtc: '2024-07-09T19:49:06Z',
    profiles: [],
    problem: {
      code: 'ONVIF_FAULT',
      message: /^GetCapabilities: replay: no capture/,
      why: 'a mix of devices with no GetServices, GetCapabilities or GetProfiles capture',
    },
  },
  'mixed-hammeraj_onvif': {
    cameraUtc: '2024-07-09T19:49:06Z',
    profiles: [],
    problem: {
      code: 'ONVIF_FAULT',
      message: /^GetDeviceInformation: replay: no capture/,
      why: 'no GetDeviceInformation capture (its 36-profile GetProfiles is replayed on its own below)',
    },
  },
  'pelco-d6230l': {
    info: { manufacturer: 'Pelco', model: 'D6230L', firmware: '2.9.0.4.9340-A0.0', serial: 'J250117' },
    cameraUtc: '2018-02-27T18:10:11Z',
    mac: '00:04:7d:0e:b8:5c',
    profiles: ['0', '1'],
    rtsp: 'rtsp://ADDR/stream2_v',
    snapshot: 'http://ADDR:PORT/jpeg',
  },
  'trendnet-tv-ip320pi': {
    info: {
      manufacturer: 'TRENDnet',
      model: 'TV-IP320PI',
      firmware: 'V5.3.4 build 160830',
      serial: 'TV-IP320PI20161206AAWR863642784',
    },
    cameraUtc: '2018-02-27T18:36:51Z',
    mac: '3c:8c:f8:a1:32:dc',
    profiles: ['Profile_1', 'Profile_2'],
    rtsp: 'rtsp://ADDR:554/Streaming/Channels/102?transportmode=unicast&profile=Profile_2',
    snapshot: 'http://ADDR:PORT/onvif-http/snapshot?Profile_2',
  },
};

/** Addresses read from captures (and the schema hosts) that must never show up in a result. */
const CAPTURE_HOSTS = /192\.168\.\d|10\.10\.1\.|192\.0\.2\.|\[fe80::/;

const cameras: ReplayCamera[] = [];
afterAll(async () => {
  for (const c of cameras.splice(0)) await c.stop();
});
let host = 1;
async function replay(device: string, clockNeedsAuth = false): Promise<ReplayCamera> {
  const cam = await startReplayCamera({
    corpusRoot: CORPUS,
    device,
    address: testBase(83, host++),
    password: PASSWORD,
    clockNeedsAuth,
  });
  cameras.push(cam);
  return cam;
}

/** The real sockets, but a connect to anything other than `allowed` is refused and recorded. */
function guardedNet(allowed: string): { net: Net; foreign: string[] } {
  const foreign: string[] = [];
  const net: Net = {
    ...systemNet,
    connect: (o): Socket => {
      if (o.host !== allowed) {
        foreign.push(`${o.host}:${o.port}`);
        throw new Error(`test refuses to connect to ${o.host}`);
      }
      return systemNet.connect(o);
    },
  };
  return { net, foreign };
}

async function discoverReplay(cam: ReplayCamera): Promise<Interrogation> {
  const { net, foreign } = guardedNet(cam.address);
  const config = siteConfig(
    { ranges: [`${cam.address}/32`], ports: [cam.port], multicast: false, probeWindowSeconds: 0.5 },
    { credentials: [{ match: '*', username: 'admin', password: PASSWORD }] },
  );
  const run = await discover({ clock: systemClock, net, log: silentLog() }, { ...config, multicast: false });
  expect(foreign).toEqual([]);
  expect(run.results.map((r) => r.target.address)).toEqual([cam.address]);
  const r = run.results[0];
  if (!r) throw new Error('no result');
  return r;
}

const fill = (s: string | undefined, cam: ReplayCamera): string | undefined =>
  s?.replace('ADDR', cam.address).replace('PORT', String(cam.port));

function expectRow(r: Interrogation, row: Row, cam: ReplayCamera, device: string): void {
  if (row.info) expect(r.info).toMatchObject(row.info);
  else expect(r.info).toEqual({});
  expect({ class: r.classification.class, ptz: r.classification.ptz }).toEqual(EXPECTED_CLASS[device]);
  expect(r.mac).toBe(row.mac);
  expect(r.profiles.map((p) => p.token)).toEqual(row.profiles);
  if (row.profiles.length > 0) expect(r.profiles[0]?.role).toBe('main');
  for (const p of r.profiles) expect(p.rtspUrl).toBe(fill(row.rtsp, cam));
  expect(r.snapshotUri).toBe(fill(row.snapshot, cam));
  if (row.cameraUtc) {
    const expected = Date.parse(row.cameraUtc) - Date.now();
    expect(Math.abs((r.clockOffsetMs ?? Number.NaN) - expected)).toBeLessThan(30_000);
  } else expect(r.clockOffsetMs).toBeUndefined();
  if (row.problem) {
    expect(r.problem).toMatchObject({ code: row.problem.code });
    expect(r.problem?.message).toMatch(row.problem.message);
    expect(r.classification.evidence).toContain(`incomplete: ${row.problem.code}`);
  } else expect(r.problem).toBeUndefined();
  expect(JSON.stringify(r)).not.toMatch(CAPTURE_HOSTS);
}

describe('discover() against replay cameras serving real vendor captures', () => {
  it('has a row for every corpus device folder', () => {
    expect(deviceFolders()).toEqual(Object.keys(ROWS).sort());
  });

  it.each(Object.keys(ROWS))('%s', async (device) => {
    const row = ROWS[device];
    if (!row) throw new Error(`no row for ${device}`);
    const cam = await replay(device);
    const r = await discoverReplay(cam);
    expectRow(r, row, cam, device);
    // Interrogation authenticated: everything but the clock went through Digest.
    expect(cam.calls.find((c) => c.op === 'device.GetDeviceInformation')?.status).toBe(401);
  });

  it.each(['dvc-dcn-bm2220lpr', 'ezviz-ds-2de2c400ig-w-w'])(
    '%s refusing anonymous GetSystemDateAndTime (its captured 401) is interrogated all the same',
    async (device) => {
      const row = ROWS[device];
      if (!row) throw new Error(`no row for ${device}`);
      const cam = await replay(device, true);
      const r = await discoverReplay(cam);
      expectRow(r, row, cam, device);
      expect(cam.calls.filter((c) => c.op === 'device.GetSystemDateAndTime').map((c) => c.status)).toContain(
        401,
      );
    },
  );

  it('hammeraj 36-profile encoder (encoder configurations without Encoding or Resolution) parses over HTTP', async () => {
    const cam = await replay('mixed-hammeraj_onvif');
    const device = new SoapOnvifDevice(
      { clock: systemClock, net: guardedNet(cam.address).net },
      {
        xaddr: cam.xaddr,
        address: cam.address,
        credential: { username: 'admin', password: PASSWORD, allowBasic: false },
        deadlineMs: 4000,
        maxBytes: 2 * 1024 * 1024,
      },
    );
    const profiles = await device.profiles({ device: cam.xaddr, media: cam.xaddr });
    expect(profiles).toHaveLength(36);
    expect(new Set(profiles.map((p) => p.token)).size).toBe(36);
    expect(profiles.some((p) => p.encoding === undefined && p.width === undefined)).toBe(true);
  });
});

describe('built CLI `camgate discover --json` against replay cameras', () => {
  beforeAll(() => {
    if (!fs.existsSync(path.join(repoRoot, 'dist/src/cli/main.js')))
      throw new Error('run `npm run build` first');
  });
  it.each(['dvc-dcn-bm2220lpr', 'axis-q6045-e'])(
    '%s',
    async (device) => {
      const row = ROWS[device];
      if (!row) throw new Error(`no row for ${device}`);
      const cam = await replay(device);
      const cfg = tempConfig(
        `discovery: { multicast: false, ports: [${cam.port}], probeWindowSeconds: 0.5 }
credentials:
  - { match: "*", username: admin, password: ${PASSWORD} }
`,
      );
      try {
        const res = await runCli(
          ['discover', '--json', '--range', `${cam.address}/32`, '--config', cfg.configPath],
          {},
          60_000,
        );
        expect(res.code, res.stderr).toBe(0);
        const doc = JSON.parse(res.stdout) as { cameras: CameraRecord[] };
        expect(doc.cameras.map((c) => c.address)).toEqual([cam.address]);
        const c = doc.cameras[0];
        expect(c).toMatchObject({ ...row.info, class: EXPECTED_CLASS[device]?.class, mac: row.mac });
        expect(c?.problem).toBeUndefined();
        expect(c?.profiles.map((p) => p.token)).toEqual(row.profiles);
        expect(c?.profiles[0]?.rtspUrl).toBe(fill(row.rtsp, cam));
        expect(c?.snapshotUri).toBe(fill(row.snapshot, cam));
        expect(res.stdout).not.toMatch(CAPTURE_HOSTS);
        expect(res.stdout).not.toContain(PASSWORD);
      } finally {
        cfg.cleanup();
      }
    },
    90_000,
  );
});
