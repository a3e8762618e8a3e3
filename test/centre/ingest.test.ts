import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LightCamera, LightGateway } from '../../fixtures/fleet/lightGateway.js';
import { figureAt } from '../../src/centre/history.js';
import type { StoreConfig } from '../../src/centre/store/openDb.js';
import { seqGaps } from '../../src/centre/store/pictureRepo.js';
import { systemClock } from '../../src/shared/clock.js';
import { cleanupAll } from '../uplink/helpers/cleanup.js';
import { Broker } from '../uplink/helpers/mosquitto.js';
import { REGISTRY_HEAD, type RunningCentre, removeTempDirs, startCentre, tempDir, until } from './helpers.js';
import { STORES, useStores } from './pg.js';

const REGISTRY = [
  REGISTRY_HEAD,
  'sch-1,School 1,West,Uralsk,school,2,0,0,KazTel,2030-01-01,Acme',
  'sch-2,School 2,West,Uralsk,school,1,0,0,KazTel,2030-01-01,Acme',
  'st-1,Street 1,South,,street,1,0,1,,,',
].join('\n');

function cams(spec: Array<[string, LightCamera['class'], boolean, string | null]>): LightCamera[] {
  return spec.map(([id, cls, ok, cause]) => ({
    id,
    class: cls,
    status: ok ? 'online' : cause === 'unauthorized' ? 'unauthorized' : 'offline',
    integrated: ok,
    cause,
    recording: 'ok',
  }));
}

const freshStore = useStores();

describe.each(STORES)('centre ingest through a real Mosquitto into $driver', ({ driver }) => {
  let broker: Broker;
  let dir: string;
  let centre: RunningCentre | undefined;
  const gateways: LightGateway[] = [];

  beforeEach(async () => {
    broker = await Broker.start();
    dir = tempDir();
  });
  afterEach(async () => {
    await cleanupAll([
      ...gateways.splice(0).map((g) => () => g.stop()),
      () => centre?.stop(),
      () => broker.dispose(),
      removeTempDirs,
    ]);
    centre = undefined;
  });

  /** A new empty store of this driver: a SQLite file, or a fresh PostgreSQL database. */
  const store = async (name: string): Promise<StoreConfig> => freshStore(driver, `${dir}/${name}.db`);

  /** The centre on a new empty store `name` of this driver, reading this broker and REGISTRY. */
  const startOn = async (name: string): Promise<RunningCentre> =>
    startCentre({ url: broker.url, registryCsv: REGISTRY, dbFile: '', store: await store(name) });

  const gw = (siteId: string, gatewayId: string, c: LightCamera[]): LightGateway => {
    const g = new LightGateway({ url: broker.url, siteId, gatewayId, cameras: c });
    gateways.push(g);
    return g;
  };

  it('rebuilds the current picture from retained messages alone, after a restart with an empty database', async () => {
    await gw(
      'sch-1',
      'nvr-a',
      cams([
        ['c1', 'overview', true, null],
        ['c2', 'overview', true, null],
      ]),
    ).start();
    await gw('sch-2', 'nvr-b', cams([['c1', 'overview', false, 'stream_refused']])).start();
    await gw('ghost-9', 'nvr-x', cams([['c1', 'overview', true, null]])).start();
    for (const name of ['one', 'two']) {
      centre = await startOn(name);
      const f = await until(
        () => centre!.service.figure(),
        (x) => x.national.cameras.installed.total === 3,
        'retained picture',
      );
      expect(f.national).toMatchObject({ sites: 3, sitesIntegrated: 1, sitesFullyIntegrated: 1 });
      const bySite = Object.fromEntries(f.sites.map((s) => [s.siteId, s]));
      expect(bySite['sch-1']).toMatchObject({ integrated: true, fullyIntegrated: true, cause: null });
      // A cause camgate 0.2 does not know is kept as itself.
      expect(bySite['sch-2']).toMatchObject({ cause: 'cameras_down', cameraCauses: { stream_refused: 1 } });
      expect(bySite['st-1']).toMatchObject({ cause: 'never_connected' });
      expect(f.unregistered.map((u) => u.siteId)).toEqual(['ghost-9']);
      expect(f.regions.find((r) => r.key === 'West')?.causes).toEqual([{ cause: 'cameras_down', sites: 1 }]);
      await centre.stop();
      centre = undefined;
    }
  });

  it('dedupes events by eventId, tracks seq gaps until an outbox.overflow covers them, ignores a stale will', async () => {
    const g = gw('sch-1', 'nvr-a', cams([['c1', 'overview', true, null]]));
    await g.start();
    centre = await startOn('c');
    await until(
      () => centre!.service.figure(),
      (f) => f.national.sitesIntegrated === 1,
      'gateway online',
    );
    await g.event('clock.drift', 'c1', { offsetMs: 9000 });
    // The same event delivered twice (at least once: a crash between PUBACK and the outbox delete).
    const dup = {
      eventId: '01JZZZZZZZZZZZZZZZZZZZZZZZ',
      seq: 2,
      type: 'clock.drift',
      cameraId: 'c1',
      historical: false,
      ts: new Date().toISOString(),
      offsetMs: 7000,
    };
    g.skipSeq(1);
    const raw = new LightGateway({ url: broker.url, siteId: 'sch-1', gatewayId: 'raw-pub', cameras: [] });
    await raw.start();
    gateways.push(raw);
    for (let i = 0; i < 2; i += 1) await raw.publishRaw(`${g.prefix}events`, JSON.stringify(dup));
    await raw.publishRaw(`${g.prefix}events`, '{"not":"an event"}'); // rejected, never fatal
    const first = g.skipSeq(3); // seqs 3..5 never arrive
    await g.event('camera.added', 'c2', { class: 'overview' });
    await until(
      () => centre!.db.selectFrom('events').select('seq').execute(),
      (r) => r.length === 3,
      'three events',
    );
    expect(centre.service.ingest.stats.duplicates).toBe(1);
    expect(centre.service.ingest.stats.rejected).toBe(1);
    expect(await seqGaps(centre.db)).toEqual([{ gatewayId: 'nvr-a', fromSeq: 3, toSeq: 5, coveredBy: null }]);
    await g.event('outbox.overflow', null, { capBytes: 1000, droppedTotal: 3, firstDroppedSeq: first });
    await until(
      () => seqGaps(centre!.db),
      (gaps) => gaps[0]?.coveredBy === 'outbox.overflow#7',
      'gap covered',
    );
    // A late `lost` from an older session (lower bdSeq) must not mark the gateway lost.
    await raw.publishRaw(
      `${g.prefix}status`,
      JSON.stringify({
        state: 'lost',
        bdSeq: 0,
        bootId: '01JZZZZZZZZZZZZZZZZZZZZZZZ',
        version: 'old',
        ts: new Date().toISOString(),
      }),
    );
    await until(
      async () => centre!.service.ingest.stats.staleLost,
      (n) => n === 1,
      'stale will counted',
    );
    expect((await centre.service.figure()).national.sitesIntegrated).toBe(1);
  });

  it('a removed camera (empty retained state) leaves the picture and is logged as removed', async () => {
    const g = gw(
      'sch-1',
      'nvr-a',
      cams([
        ['c1', 'overview', true, null],
        ['c2', 'overview', true, null],
      ]),
    );
    await g.start();
    centre = await startOn('r');
    await until(
      () => centre!.service.figure(),
      (f) => f.sites[0]?.fullyIntegrated === true,
      'fully integrated',
    );
    await g.publishRaw(`${g.prefix}cameras/c2/state`, '', true);
    const f = await until(
      () => centre!.service.figure(),
      (x) => x.sites[0]?.cameras.installed.total === 1,
      'removed',
    );
    expect(f.sites[0]).toMatchObject({ integrated: true, fullyIntegrated: false });
    const log = await centre.db
      .selectFrom('camera_log')
      .select(['camera_id', 'removed'])
      .where('removed', '=', 1)
      .execute();
    expect(log).toEqual([{ camera_id: 'c2', removed: 1 }]);
  });

  it('a gateway offline for a while replays historical events and the past figure is corrected', async () => {
    const c = cams([
      ['c1', 'overview', true, null],
      ['c2', 'overview', true, null],
    ]);
    const g = gw('sch-1', 'nvr-a', c);
    await g.start();
    centre = await startOn('h');
    await until(
      () => centre!.service.figure(),
      (f) => f.national.sitesIntegrated === 1,
      'online',
    );
    g.lose();
    await until(
      () => centre!.service.figure(),
      (f) => f.sites[0]?.cause === 'gateway_lost',
      'lost seen',
    );
    // While the uplink is down camera c1 fails; the gateway keeps the event in its outbox.
    await systemClock.sleep(50);
    const failedAt = systemClock.now();
    await g.event(
      'outage.start',
      'c1',
      { from: 'online', to: 'offline', reasons: ['rtsp timeout'], kind: 'camera' },
      failedAt,
    );
    // An event from yesterday reaches a closed day: its snapshot is recomputed from the logs.
    const yesterday = new Date(failedAt - 86_400_000).toISOString().slice(0, 10);
    await g.event(
      'recording.stale',
      'c2',
      { lastSegmentAt: null, detail: 'test' },
      Date.parse(`${yesterday}T12:00:00Z`),
    );
    await systemClock.sleep(50);
    const probe = new Date(failedAt + 20).toISOString();
    const before = await figureAt(centre.db, centre.registry, probe, centre.service.figureOptions);
    expect(before.sites[0]).toMatchObject({ integrated: false, cause: 'gateway_lost' });
    expect(before.sites[0]?.cameras.working.total).toBe(2); // the centre could not know yet
    c[0]!.status = 'offline';
    c[0]!.integrated = false;
    c[0]!.cause = 'camera_offline';
    await g.start(); // birth, retained state, then the backlog with historical: true
    await until(
      () => centre!.db.selectFrom('events').select('seq').where('historical', '=', 1).execute(),
      (r) => r.length === 2,
      'replay',
    );
    await until(
      () => centre!.db.selectFrom('day_figures').select(['day', 'at']).where('day', '=', yesterday).execute(),
      (r) => r[0]?.at === `${yesterday}T23:59:59.999Z`,
      'yesterday recomputed',
    );
    const after = await figureAt(centre.db, centre.registry, probe, centre.service.figureOptions);
    expect(after.sites[0]?.cameras.working.total).toBe(1);
    expect(after.sites[0]).toMatchObject({ integrated: false, cause: 'gateway_lost' });
    const now = await centre.service.figure();
    expect(now.sites[0]).toMatchObject({
      integrated: true,
      fullyIntegrated: false,
      cameraCauses: { camera_offline: 1 },
    });
  });
});
