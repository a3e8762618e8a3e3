import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimCamera, type SimSite, startSite } from '../../fixtures/sim/site.js';
import type { Daemon } from '../../src/app/daemon.js';
import { loadConfigFile } from '../../src/config/load.js';
import type { WhyDoc } from '../../src/health/whyReport.js';
import { HistoryRepo } from '../../src/store/historyRepo.js';
import { testBase } from '../fixtures/sim/helpers.js';
import { tempConfig } from '../helpers/tempSite.js';
import { startTestDaemon } from '../helpers/testDaemon.js';
import { until } from '../recording/simHelpers.js';

/**
 * A camera that answers GetDeviceInformation and times out on GetProfiles (slow, or loaded by a
 * sweep; the simulator's `slowProfiles` fault) answered: it is not offline (cause not_yet_seen, not
 * camera_offline), has no outage, and the timeout is `why` evidence. That holds at the next boot
 * from its saved record too, and for a saved camera with profiles whose sweep times out while its
 * stream flows. A camera that answers nothing at all (`hang`) still goes offline, camera_offline.
 * Simulator + the real daemon.
 */
const PASSWORD = 'site-Secret-7';
let site: SimSite;
let cfg: ReturnType<typeof tempConfig>;
let daemon: Daemon;
let slow: SimCamera;
let dead: SimCamera;
let saved: SimCamera;

const startDaemon = async (): Promise<Daemon> =>
  await startTestDaemon({ config: loadConfigFile(cfg.configPath) });

beforeAll(async () => {
  const base = testBase(117);
  site = await startSite({
    cameras: [
      { kind: 'overview', faults: ['slowProfiles'] },
      { kind: 'overview', faults: ['hang'] },
      { kind: 'overview' },
    ],
    baseAddress: base,
    password: PASSWORD,
    discovery: false,
  });
  const [a, b, c] = site.cameras;
  if (!a || !b || !c) throw new Error('sim cameras missing');
  [slow, dead, saved] = [a, b, c];
  cfg = tempConfig(
    [
      `discovery: { multicast: false, ranges: ["${base.replace(/\.\d+$/, '.0')}/29"], ports: [${a.onvifPort}], probeWindowSeconds: 1, intervalSeconds: 3600 }`,
      'mqtt: { url: "mqtt://127.0.0.1:1" }',
      'health: { hysteresisSeconds: 0 }',
      `credentials: [{ match: "*", username: admin, password: "${PASSWORD}" }]`,
    ].join('\n'),
  );
  daemon = await startDaemon();
}, 60_000);

afterAll(async () => {
  await daemon?.stop();
  await site?.stop();
  cfg?.cleanup();
});

const rowAt = (cam: SimCamera) => daemon.context?.board.allCameras().find((r) => r.address === cam.address);
/** The camera directory's record: what discovery's inventory holds, whatever health made of it. */
const problemOf = (cam: SimCamera) =>
  daemon.context?.cameras.all().find((r) => r.address === cam.address)?.problem?.code;
const why = async (cam: SimCamera): Promise<WhyDoc> =>
  (await daemon.context?.control.invoke('GET', `/why/${rowAt(cam)?.cameraId}`)) as WhyDoc;
const history = (): HistoryRepo => {
  const db = daemon.context?.store.db;
  if (!db) throw new Error('no store');
  return new HistoryRepo(db);
};
/** Never offline in any boot: no transition into offline, no outage. */
const neverDown = (cam: SimCamera): void => {
  const id = rowAt(cam)?.cameraId ?? '';
  expect(id).not.toBe('');
  expect(
    history()
      .transitions(id, 50)
      .map((t) => `${t.from}->${t.to} ${t.reasons.join(',')}`),
  ).not.toContainEqual(expect.stringMatching(/->(offline|unauthorized)/));
  expect(history().outages({ cameraId: id })).toEqual([]);
};

describe('an ONVIF timeout after the camera answered is not an offline camera', () => {
  it('slowProfiles: identity learnt, unknown, no outage, the timeout in why; hang: offline, camera_offline', async () => {
    await until(
      () => (rowAt(dead)?.status === 'offline' && rowAt(saved)?.status === 'online' ? true : undefined),
      40_000,
      'the hanging camera offline and the healthy one online',
    );
    await until(
      () => (problemOf(slow) === 'ONVIF_TIMEOUT' ? true : undefined),
      40_000,
      'the slow camera listed',
    );
    // It answered GetDeviceInformation: what it said is on its row.
    expect(rowAt(slow)).toMatchObject({
      manufacturer: slow.manufacturer,
      model: slow.model,
      serial: slow.serial,
      status: 'unknown',
      cause: 'not_yet_seen',
    });
    neverDown(slow);
    const slowWhy = await why(slow);
    expect(slowWhy.status).toBe('unknown');
    expect(slowWhy.cause).toBe('not_yet_seen');
    expect(slowWhy.evidence?.detail).toMatch(/^onvif ONVIF_TIMEOUT: /);
    expect(slowWhy.openOutage).toBeUndefined();
    // A camera that answered nothing is still offline, as before.
    expect(rowAt(dead)).toMatchObject({ status: 'offline', cause: 'camera_offline' });
    const deadId = rowAt(dead)?.cameraId ?? '';
    expect(history().openOutage(deadId)).toMatchObject({ cause: 'camera_offline' });
  }, 60_000);

  it('after a restart: the saved slow camera is not offline at boot, a saved camera whose sweep times out stays online', async () => {
    await daemon.stop();
    saved.setFault('slowProfiles', true);
    daemon = await startDaemon();
    // The sweep of this boot has reached the saved camera once the directory holds its timeout.
    await until(
      () => (problemOf(saved) === 'ONVIF_TIMEOUT' ? true : undefined),
      40_000,
      'the saved camera re-swept',
    );
    // Its stream (saved profiles) keeps flowing: online through the sweep and after it.
    await until(
      () => (rowAt(saved)?.status === 'online' ? true : undefined),
      20_000,
      'the saved camera online',
    );
    expect(rowAt(slow)?.status).toBe('unknown');
    expect(rowAt(dead)?.status).toBe('offline');
    neverDown(saved);
    neverDown(slow);
    expect((await why(saved)).evidence?.detail).toContain('ONVIF_TIMEOUT');
  }, 90_000);
});
