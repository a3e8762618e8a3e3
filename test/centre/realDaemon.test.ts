import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LightGateway } from '../../fixtures/fleet/lightGateway.js';
import { type SimSiteDaemon, startSimSiteDaemon } from '../helpers/simSiteDaemon.js';
import { cleanupAll } from '../uplink/helpers/cleanup.js';
import { Broker } from '../uplink/helpers/mosquitto.js';
import { REGISTRY_HEAD, type RunningCentre, removeTempDirs, startCentre, tempDir, until } from './helpers.js';

/**
 * A real `camgate run` on a simulated site and light fleet gateways through one Mosquitto into
 * the centre: the centre reads a real gateway exactly as it reads the fleet.
 */
const PASSWORD = 'centre-e2e-Secret-7';
const REGISTRY = [
  REGISTRY_HEAD,
  'korosten-01,Korosten centre,Zhytomyr,Korosten,street,2,1,1,UkrCom,2030-01-01,City Video',
  'fleet-01,Fleet school,Zhytomyr,Korosten,school,1,0,0,UkrCom,2030-01-01,City Video',
  'fleet-02,Fleet school 2,Kyiv,Obolon,school,1,0,0,KyivNet,2030-01-01,Other',
].join('\n');

describe('the centre reads a real camgate daemon and the fleet together', () => {
  let sim: SimSiteDaemon | undefined;
  let broker: Broker;
  let centre: RunningCentre;
  const fleet: LightGateway[] = [];
  const daemonLogs = () => sim?.daemon.logs().slice(-3000);

  beforeAll(async () => {
    broker = await Broker.start({ persistence: false });
    centre = await startCentre({ url: broker.url, registryCsv: REGISTRY, dbFile: `${tempDir()}/real.db` });
    sim = await startSimSiteDaemon({
      fileOctet: 161,
      siteId: 'korosten-01',
      password: PASSWORD,
      brokerUrl: broker.url,
    });
    const cam = {
      id: 'c1',
      class: 'overview' as const,
      status: 'online' as const,
      integrated: true,
      cause: null,
      recording: 'ok' as const,
    };
    fleet.push(
      new LightGateway({
        url: broker.url,
        siteId: 'fleet-01',
        gatewayId: 'fleet-01-gw',
        cameras: [{ ...cam }],
      }),
    );
    fleet.push(
      new LightGateway({
        url: broker.url,
        siteId: 'fleet-02',
        gatewayId: 'fleet-02-gw',
        cameras: [{ ...cam, status: 'offline', integrated: false, cause: 'camera_offline' }],
      }),
    );
    for (const g of fleet) await g.start();
  }, 90_000);

  afterAll(async () => {
    await cleanupAll([
      () => sim?.daemon.stop(),
      ...fleet.map((g) => () => g.stop()),
      () => centre?.stop(),
      () => broker?.dispose(),
      () => sim?.stop(),
      removeTempDirs,
    ]);
  });

  it('counts the real site per region with its planned-but-missing camera, and a real camera cause', async () => {
    const f = await until(
      () => centre.service.figure(),
      (x) => x.sites.find((s) => s.siteId === 'korosten-01')?.cameras.integrated.total === 3,
      'the real site integrated',
      60_000,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\ndaemon log tail:\n${daemonLogs()}`);
    });
    const korosten = f.sites.find((s) => s.siteId === 'korosten-01')!;
    // Planned 2 overview, 1 panoramic, 1 lpr; the site has one of each: integrated, not fully.
    expect(korosten).toMatchObject({ integrated: true, fullyIntegrated: false, cause: null });
    expect(korosten.cameras.installed).toEqual({ overview: 1, panoramic: 1, lpr: 1, total: 3 });
    const zhytomyr = f.regions.find((r) => r.key === 'Zhytomyr')!;
    expect(zhytomyr).toMatchObject({ sites: 2, sitesIntegrated: 2, sitesFullyIntegrated: 1 });
    expect(zhytomyr.cameras.integrated.total).toBe(4);
    expect(f.regions.find((r) => r.key === 'Kyiv')).toMatchObject({
      sites: 1,
      sitesIntegrated: 0,
      causes: [{ cause: 'cameras_down', sites: 1 }],
    });

    sim!.site.cameras.find((c) => c.kind === 'lpr')!.setFault('freeze', true);
    const frozen = await until(
      () => centre.service.figure(),
      (x) => x.sites.find((s) => s.siteId === 'korosten-01')?.cameraCauses.stream_stalled === 1,
      'the frozen camera cause at the centre',
      30_000,
    );
    expect(frozen.sites.find((s) => s.siteId === 'korosten-01')?.cameras.integrated.total).toBe(2);
    // The daemon's outage.start reaches the centre's event store, keyed by its gateway.
    const starts = await until(
      () =>
        centre.db
          .selectFrom('events')
          .select(['gateway_id', 'seq'])
          .where('type', '=', 'outage.start')
          .execute(),
      (rows) => rows.length >= 1,
      'outage.start stored',
      20_000,
    );
    expect(starts.map((r) => r.gateway_id)).toContain('gw-test');
  }, 120_000);
});
