import { describe, expect, it } from 'vitest';
import type { LightCamera, LightGateway } from '../../fixtures/fleet/lightGateway.js';
import { figureAt } from '../../src/centre/history.js';
import { seqGaps } from '../../src/centre/store/pictureRepo.js';
import { computeUptime } from '../../src/centre/uptime.js';
import { useTempDir } from '../helpers/tempDir.js';
import { useBroker } from '../uplink/helpers/rig.js';
import {
  onlineCam,
  REGISTRY_HEAD,
  type RunningCentre,
  until,
  useLightGateway,
  useRunningCentre,
} from './helpers.js';
import { STORES, useStores } from './pg.js';

/**
 * What a gateway tells afterwards about its past (docs/mqtt.md), through a real Mosquitto into
 * the real centre: `uplink.outage` (its link was down: not integrated, though the centre's log
 * says online), `store.rebuilt` (a stretch of its history is lost: unknown, neither up nor down),
 * `outage.summary` (flapping folded into a count and a down time). Each gateway runs on its own
 * clock at 2026-03-07, so every span is exact; the centre's log has the gateway online from its
 * birth and never saw it go (as when the broker itself was down: no will is delivered).
 */
const T0 = Date.parse('2026-03-07T10:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const iso = (ms: number): string => new Date(ms).toISOString();
const REGISTRY = [
  REGISTRY_HEAD,
  'up-1,Uplink school,North,N1,school,2,0,0,,,',
  'rb-1,Rebuilt school,South,S1,school,1,0,0,,,',
  'fl-1,Flapping street,East,E1,street,1,0,0,,,',
  'nc-1,Never connected,South,S1,school,1,0,0,,,',
].join('\n');

const freshStore = useStores();

describe.each(STORES)('periods told after the fact, into $driver', ({ driver }) => {
  /** A broker, a centre on this store, and light gateways whose clock stands at `T0`. */
  async function setUp() {
    const broker = await useBroker();
    const store = await freshStore(driver, `${useTempDir('camgate-centre-')}/p.db`);
    const centre = await useRunningCentre({ url: broker.url, registryCsv: REGISTRY, dbFile: '', store });
    const gateway = (site: string, c: LightCamera[]): Promise<LightGateway> =>
      useLightGateway({ url: broker.url, siteId: site, gatewayId: `${site}-gw`, cameras: c, now: () => T0 });
    return { centre, gateway };
  }
  const uptime = (c: RunningCentre) => computeUptime(c.db, c.registry, iso(T0), iso(T0 + 4 * HOUR));
  const events = (c: RunningCentre, n: number) =>
    until(
      () => c.db.selectFrom('events').select('seq').execute(),
      (r) => r.length >= n,
      `${n} events`,
    );

  it('uplink.outage: those hours are not integrated, the cameras are not down for them, and a replayed camera outage is', async () => {
    const { centre, gateway } = await setUp();
    const g = await gateway('up-1', [onlineCam('c1'), onlineCam('c2')]);
    await until(
      () => centre.service.figure(),
      (f) => f.national.sitesIntegrated === 1,
      'integrated',
    );
    const mid = iso(T0 + 2.5 * HOUR);
    const before = await figureAt(centre.db, centre.registry, mid, centre.service.figureOptions);
    expect(before.sites.find((s) => s.siteId === 'up-1')).toMatchObject({ integrated: true });
    const u0 = await uptime(centre);
    expect(u0.sites.find((s) => s.siteId === 'up-1')?.integratedPct).toBe(100);

    // Replayed after the link came back: c1 failed at 12:00, inside the outage 11:00–13:00.
    await g.event(
      'outage.start',
      'c1',
      { from: 'online', to: 'offline', reasons: ['rtsp timeout'], kind: 'camera' },
      T0 + 2 * HOUR,
    );
    await g.event(
      'uplink.outage',
      null,
      {
        cause: 'broker_unreachable',
        startedAt: iso(T0 + HOUR),
        endedAt: iso(T0 + 3 * HOUR),
        durationMs: 2 * HOUR,
        endReason: 'restored',
      },
      T0 + 3 * HOUR,
    );
    await events(centre, 2);

    const after = await figureAt(centre.db, centre.registry, mid, centre.service.figureOptions);
    const site = after.sites.find((s) => s.siteId === 'up-1');
    expect(site).toMatchObject({
      integrated: false,
      cause: 'gateway_lost',
      cameraCauses: { uplink_down: 2 },
    });
    expect(site?.evidence).toContain(
      'uplink down from 2026-03-07T11:00:00.000Z to 2026-03-07T13:00:00.000Z (broker_unreachable)',
    );
    expect(site?.cameras.working.total).toBe(1); // c2 worked through the outage; c1 had failed
    expect(after.regions.find((r) => r.key === 'North')).toMatchObject({ sitesIntegrated: 0, pct: 0 });

    const u = await uptime(centre);
    const byId = Object.fromEntries(u.cameras.map((c) => [c.cameraId, c]));
    // 4 h window: c2 worked 4 h but was integrated only outside 11:00–13:00; c1 worked 10:00–12:00.
    expect(byId.c2).toMatchObject({ workingPct: 100, integratedPct: 50, unknownMs: 0 });
    expect(byId.c1).toMatchObject({ workingPct: 50, integratedPct: 25, unknownMs: 0 });
    expect(u.sites.find((s) => s.siteId === 'up-1')).toEqual({
      siteId: 'up-1',
      integratedPct: 50,
      unknownMs: 0,
    });
    // The day it touched is recomputed (it is in the past) and the live figure is unchanged.
    await until(
      () => centre.db.selectFrom('day_figures').select('day').where('day', '=', '2026-03-07').execute(),
      (r) => r.length === 1,
      'the day recomputed',
    );
    expect((await centre.service.figure()).sites.find((s) => s.siteId === 'up-1')).toMatchObject({
      integrated: true,
    });
  });

  it('store.rebuilt: the stretch the gateway lost is unknown, not up and not down, and its seq gap is explained', async () => {
    const { centre, gateway } = await setUp();
    const g = await gateway('rb-1', [onlineCam('c1')]);
    await until(
      () => centre.service.figure(),
      (f) => f.sites.some((s) => s.siteId === 'rb-1' && s.integrated),
      'integrated',
    );
    await g.event('clock.drift', 'c1', { offsetMs: 9000 }, T0 + 10 * MIN);
    const from = g.skipSeq(1000); // the damaged database's undelivered events: never coming
    await g.event(
      'store.rebuilt',
      null,
      {
        reason: 'SQLITE_CORRUPT: database disk image is malformed',
        movedTo: 'camgate.db.corrupt-x',
        missingSeqs: { from, to: from + 999 },
      },
      T0 + 2 * HOUR,
    );
    await events(centre, 2);
    expect(await seqGaps(centre.db)).toEqual([
      { gatewayId: 'rb-1-gw', fromSeq: from, toSeq: from + 999, coveredBy: `store.rebuilt#${from + 1000}` },
    ]);

    const f = await figureAt(centre.db, centre.registry, iso(T0 + HOUR), centre.service.figureOptions);
    const site = f.sites.find((s) => s.siteId === 'rb-1');
    expect(site).toMatchObject({ integrated: false, cause: 'history_unknown', cameraCauses: {} });
    expect(site?.evidence).toContain(
      'history lost from 2026-03-07T10:10:00.000Z to 2026-03-07T12:00:00.000Z',
    );
    expect(site?.cameras.working.total).toBe(0);
    // South: rb-1 unknown, nc-1 never connected: 0 of the 1 known site, not 0 of 2.
    expect(f.regions.find((r) => r.key === 'South')).toMatchObject({
      sites: 2,
      sitesUnknown: 1,
      sitesIntegrated: 0,
      pct: 0,
    });
    const outside = await figureAt(
      centre.db,
      centre.registry,
      iso(T0 + 3 * HOUR),
      centre.service.figureOptions,
    );
    expect(outside.sites.find((s) => s.siteId === 'rb-1')).toMatchObject({ integrated: true });

    const u = await uptime(centre);
    const lost = 110 * MIN; // 10:10–12:00
    expect(u.cameras.find((c) => c.cameraId === 'c1')).toMatchObject({
      workingPct: 100,
      integratedPct: 100,
      unknownMs: lost,
    });
    expect(u.sites.find((s) => s.siteId === 'rb-1')).toEqual({
      siteId: 'rb-1',
      integratedPct: 100,
      unknownMs: lost,
    });
  });

  it('outage.summary: the folded down time counts exactly, and the folded seqs are delivered through it', async () => {
    const { centre, gateway } = await setUp();
    const g = await gateway('fl-1', [onlineCam('c1')]);
    await until(
      () => centre.service.figure(),
      (f) => f.sites.some((s) => s.siteId === 'fl-1' && s.integrated),
      'integrated',
    );
    await g.event('clock.drift', 'c1', { offsetMs: 9000 }, T0 + 10 * MIN); // seq 1: the gap starts after it
    const first = g.skipSeq(8); // four start/end pairs, folded by the gateway's outbox under its byte cap
    await g.event(
      'outage.summary',
      'c1',
      {
        kind: 'camera',
        day: '2026-03-07',
        outages: 4,
        downMs: 30 * MIN,
        first: iso(T0 + HOUR),
        last: iso(T0 + 2 * HOUR),
        coalescedSeqs: Array.from({ length: 8 }, (_, i) => first + i),
      },
      T0 + 2 * HOUR,
    );
    await events(centre, 2);
    expect(await seqGaps(centre.db)).toEqual([
      { gatewayId: 'fl-1-gw', fromSeq: first, toSeq: first + 7, coveredBy: `outage.summary#${first + 8}` },
    ]);
    const u = await uptime(centre);
    // 30 min down in a 4 h window: 87.5 %.
    expect(u.cameras.find((c) => c.cameraId === 'c1')).toMatchObject({
      workingPct: 87.5,
      integratedPct: 87.5,
      unknownMs: 0,
    });
    expect(u.sites.find((s) => s.siteId === 'fl-1')?.integratedPct).toBe(87.5);
  });
});
