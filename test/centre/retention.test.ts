import { describe, expect, it } from 'vitest';
import { figureAt } from '../../src/centre/history.js';
import { buildReport } from '../../src/centre/report.js';
import { applyRetention } from '../../src/centre/retention.js';
import { systemClock } from '../../src/shared/clock.js';
import { silentLog } from '../../src/shared/log.js';
import { useTempDir } from '../helpers/tempDir.js';
import { useBroker } from '../uplink/helpers/rig.js';
import { onlineCam, REGISTRY_HEAD, until, useLightGateway, useRunningCentre } from './helpers.js';
import { STORES, useStores } from './pg.js';

/**
 * Retention of the raw history through the real centre: a gateway on its own clock reports in
 * March and June (a real Mosquitto carries it), then the raw rows older than 30 days are pruned.
 * The daily figures of the pruned days stay, every later instant reads the same picture as
 * before, and an instant before the horizon is refused rather than computed from a partial log.
 */
const T0 = Date.parse('2026-03-07T10:00:00Z');
const HOUR = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString();
const REGISTRY = `${REGISTRY_HEAD}\ns1,S1,R,D,school,2,0,0,,,\n`;
const freshStore = useStores();

describe.each(STORES)('retention of the raw history, $driver', ({ driver }) => {
  it('prunes rows older than rawDays, keeps each last state and the daily figures, refuses instants before the horizon', async () => {
    const broker = await useBroker();
    const store = await freshStore(driver, `${useTempDir('camgate-centre-')}/r.db`);
    const centre = await useRunningCentre({ url: broker.url, registryCsv: REGISTRY, dbFile: '', store });
    let now = T0;
    const g = await useLightGateway({
      url: broker.url,
      siteId: 's1',
      gatewayId: 's1-gw',
      cameras: [onlineCam('c1'), onlineCam('c2')],
      now: () => now,
    });
    await until(
      () => centre.service.figure(),
      (f) => f.national.sitesIntegrated === 1,
      'integrated',
    );
    // c1 down from 11:00 on 7 March to 10:00 on 8 March; c2 offline from 1 June on.
    await g.event('outage.start', 'c1', { from: 'online', to: 'offline', kind: 'camera' }, T0 + HOUR);
    await g.event('outage.end', 'c1', { from: 'offline', to: 'online', kind: 'camera' }, T0 + 24 * HOUR);
    now = Date.parse('2026-06-01T08:00:00Z');
    const c2 = g.opts.cameras[1]!;
    Object.assign(c2, { status: 'offline', integrated: false, cause: 'camera_offline' });
    await g.publishCamera(c2);
    const rows = () => centre.db.selectFrom('camera_log').select(['camera_id', 'at']).orderBy('at').execute();
    await until(rows, (r) => r.length === 5, 'five camera log rows');
    const options = centre.service.figureOptions;
    const later = '2026-11-20T12:00:00.000Z';
    const laterBefore = await figureAt(centre.db, centre.registry, later, options);
    const nowIso = iso(systemClock.now());

    const pruned = await applyRetention(
      { db: centre.db, registry: centre.registry, options, log: silentLog(), rawDays: 30 },
      nowIso,
    );
    const horizon = `${new Date(Date.parse(`${nowIso.slice(0, 10)}T00:00:00Z`) - 30 * 24 * HOUR).toISOString().slice(0, 10)}T00:00:00.000Z`;
    expect(pruned).toMatchObject({ before: horizon, cameraLog: 3, gatewayLog: 0, periods: 0 });
    // What remains: each camera's last state before the horizon (c1 back on 8 March, c2 off on 1 June).
    expect((await rows()).map((r) => [r.camera_id, r.at])).toEqual([
      ['c1', '2026-03-08T10:00:00.000Z'],
      ['c2', '2026-06-01T08:00:00.000Z'],
    ]);
    // A second run the same day is a no-op.
    expect(
      await applyRetention(
        { db: centre.db, registry: centre.registry, options, log: silentLog(), rawDays: 30 },
        nowIso,
      ),
    ).toBeUndefined();
    // Every instant after the horizon reads the same picture as before pruning.
    expect(await figureAt(centre.db, centre.registry, later, options)).toEqual(laterBefore);

    // The pruned days keep their figure: 7 March integrated through c2 (c1 down at the day's end), 9 March fully.
    const base = `http://127.0.0.1:${centre.port}`;
    const history = (await (
      await fetch(`${base}/api/history?from=2026-03-07&to=2026-03-09`)
    ).json()) as Array<{
      day: string;
      sites: Array<{ integrated: boolean; fullyIntegrated: boolean }>;
    }>;
    expect(history.map((d) => [d.day, d.sites[0]?.integrated, d.sites[0]?.fullyIntegrated])).toEqual([
      ['2026-03-07', true, false],
      ['2026-03-08', true, true],
      ['2026-03-09', true, true],
    ]);
    const refused = await fetch(`${base}/api/figure?at=2026-03-07T12:00:00Z`);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toContain(
      `raw history before ${horizon} was pruned`,
    );
    expect((await fetch(`${base}/api/uptime?from=2026-03-07T00:00:00Z&to=2026-03-08T00:00:00Z`)).status).toBe(
      400,
    );
    const window = { from: '2026-03-01', to: '2026-03-31', nowMs: systemClock.now() };
    await expect(buildReport(centre.db, centre.registry, window, options)).rejects.toThrow(/was pruned/);
    const recent = await buildReport(
      centre.db,
      centre.registry,
      { from: horizon.slice(0, 10), to: nowIso.slice(0, 10), nowMs: systemClock.now() },
      options,
    );
    expect(recent.uptime.from).toBe(horizon);
    expect(recent.uptime.cameras.find((c) => c.cameraId === 'c2')).toMatchObject({ workingPct: 0 });
  });
});
