import { describe, expect, it } from 'vitest';
import { type SimCamera, startSite } from '../../fixtures/sim/site.js';
import { loadConfigFile } from '../../src/config/load.js';
import { HistoryRepo } from '../../src/store/historyRepo.js';
import { cameraStatePayload } from '../../src/uplink/payloads.js';
import { REGISTRY_HEAD, until, useRunningCentre } from '../centre/helpers.js';
import { testBase } from '../fixtures/sim/helpers.js';
import { runCliInProcess } from '../helpers/cli.js';
import { useTempDir } from '../helpers/tempDir.js';
import { tempConfig } from '../helpers/tempSite.js';
import { deferCleanup } from '../helpers/testCleanup.js';
import { startTestDaemon } from '../helpers/testDaemon.js';
import type { Centre } from '../uplink/helpers/centre.js';
import { useBroker, useCentre } from '../uplink/helpers/rig.js';

const PASSWORD = 'site-Secret-8';

function states(centre: Centre, cameraId: string) {
  return centre.on(`/cameras/${cameraId}/state`).map((m) => cameraStatePayload.parse(m.json));
}

/**
 * Field bug: a camera camgate had not yet seen video from (here: it answered GetDeviceInformation
 * and timed out on GetProfiles, so there is no stream URI to watch) was published to the centre as
 * `cause: camera_offline`, "does not answer on the network", which is false for a camera that
 * answered ONVIF. It is `not_yet_seen`, opens no outage, and `why` still shows the timeout. A
 * camera that answers nothing (`hang`) stays `camera_offline` with its outage. The real daemon,
 * the site simulator, a real Mosquitto, the CLI and `camgate centre`, which counts both causes.
 */
describe('a camera not yet seen, end to end', () => {
  it('MQTT state cause not_yet_seen (never camera_offline), no outage; a camera that answers nothing is camera_offline', async () => {
    const base = testBase(118);
    const site = await startSite({
      cameras: [
        { kind: 'overview', faults: ['slowProfiles'] },
        { kind: 'overview', faults: ['hang'] },
      ],
      baseAddress: base,
      password: PASSWORD,
      discovery: false,
    });
    deferCleanup(() => site.stop());
    const [slow, dead] = site.cameras;
    if (!slow || !dead) throw new Error('sim cameras missing');
    const broker = await useBroker();
    const centre = await useCentre(broker.url, 'camgate/v1/#', `centre-nys-${process.pid}`);
    const ops = await useRunningCentre({
      url: broker.url,
      registryCsv: `${REGISTRY_HEAD}\ntest-site,Test site,North,N1,street,2,0,0,,,`,
      dbFile: `${useTempDir('camgate-nys-centre-')}/centre.db`,
      clientId: `camgate-centre-nys-${process.pid}`,
    });
    const cfg = tempConfig(
      [
        `discovery: { multicast: false, ranges: ["${base.replace(/\.\d+$/, '.0')}/29"], ports: [${slow.onvifPort}], probeWindowSeconds: 1, intervalSeconds: 3600 }`,
        `mqtt: { url: ${JSON.stringify(broker.url)} }`,
        'health: { hysteresisSeconds: 0 }',
        `credentials: [{ match: "*", username: admin, password: "${PASSWORD}" }]`,
      ].join('\n'),
    );
    deferCleanup(cfg.cleanup);
    const daemon = await startTestDaemon({ config: loadConfigFile(cfg.configPath) });
    const idOf = (cam: SimCamera): string =>
      daemon.context?.board.allCameras().find((r) => r.address === cam.address)?.cameraId ?? '';
    const last = (cam: SimCamera) => states(centre, idOf(cam)).at(-1);
    const outageStarts = (cam: SimCamera) =>
      centre.events().filter((e) => e.type === 'outage.start' && e.cameraId === idOf(cam));

    await centre.waitFor(
      () =>
        last(dead)?.status === 'offline' &&
        outageStarts(dead).length === 1 &&
        last(slow)?.manufacturer === slow.manufacturer,
      'the dead camera offline with its outage, the slow one listed with its identity',
      40_000,
    );
    // Six health ticks later (the board counts them): still no verdict, and none invented.
    const ticks = async () =>
      (daemon.context?.board.sectionsSnapshot().health as { ticks?: number } | undefined)?.ticks ?? 0;
    const before = await ticks();
    await until(ticks, (n) => n >= before + 6, 'six more health ticks');
    expect(last(slow)).toMatchObject({
      status: 'unknown',
      integrated: false,
      cause: 'not_yet_seen',
      serial: slow.serial,
    });
    expect(states(centre, idOf(slow)).map((s) => s.cause)).not.toContain('camera_offline');
    expect(outageStarts(slow)).toEqual([]);
    const db = daemon.context?.store.db;
    if (!db) throw new Error('no store');
    expect(new HistoryRepo(db).outages({ cameraId: idOf(slow) })).toEqual([]);
    // The camera that answers nothing is offline, as before.
    expect(last(dead)).toMatchObject({ status: 'offline', integrated: false, cause: 'camera_offline' });
    expect(outageStarts(dead)[0]).toMatchObject({ from: 'unknown', to: 'offline', kind: 'stream' });

    // The technician's view says the same, with the timeout as evidence.
    const why = await runCliInProcess(['why', idOf(slow), '--config', cfg.configPath, '--json']);
    expect(why.code, why.stderr).toBe(0);
    expect(JSON.parse(why.stdout)).toMatchObject({ status: 'unknown', cause: 'not_yet_seen' });
    expect(JSON.parse(why.stdout).evidence?.detail).toMatch(/^onvif ONVIF_TIMEOUT: /);
    const whyText = await runCliInProcess(['why', idOf(slow), '--config', cfg.configPath]);
    expect(whyText.stdout).toContain('not integrated (cause: not_yet_seen)');
    expect(whyText.stdout).toContain('means: camgate has not yet received video from this camera');
    const status = await runCliInProcess(['status', '--json', '--config', cfg.configPath]);
    const rows = JSON.parse(status.stdout).cameras as Array<{ cameraId: string; cause?: string }>;
    expect(rows.find((r) => r.cameraId === idOf(slow))?.cause).toBe('not_yet_seen');

    // The operations centre takes the new cause as it comes and counts each camera by its own.
    const figure = await until(
      () => ops.service.figure(),
      (f) => f.sites.find((s) => s.siteId === 'test-site')?.cameraCauses.not_yet_seen === 1,
      'the centre counting the not-yet-seen camera',
      20_000,
    );
    expect(figure.sites.find((s) => s.siteId === 'test-site')).toMatchObject({
      integrated: false,
      cause: 'cameras_down',
      cameraCauses: { camera_offline: 1, not_yet_seen: 1 },
    });
  }, 90_000);
});
