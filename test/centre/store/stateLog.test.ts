import { describe, expect, it } from 'vitest';
import { openCentreDb } from '../../../src/centre/store/openDb.js';
import { stateLogBetween } from '../../../src/centre/store/stateLog.js';
import { useTempDir } from '../../helpers/tempDir.js';
import { deferCleanup } from '../../helpers/testCleanup.js';
import { STORES, useStores } from '../pg.js';

/** The logged changes uptime.ts sweeps through, on every driver the centre runs on. */
const freshStore = useStores();

describe.each(STORES)('state log in the centre store, $driver', ({ driver }) => {
  it('the state log between two instants excludes both ends and reads 0/1 as booleans', async () => {
    const db = await openCentreDb(await freshStore(driver, `${useTempDir('camgate-centre-')}/l.db`));
    deferCleanup(() => db.destroy());
    const at = (h: number) => `2026-03-07T${String(h).padStart(2, '0')}:00:00.000Z`;
    await db
      .insertInto('gateway_log')
      .values(
        [10, 11, 12].map((h, i) => ({
          gateway_id: 'gw',
          site_id: 's1',
          state: i === 1 ? 'lost' : 'online',
          at: at(h),
        })),
      )
      .execute();
    const cam = {
      gateway_id: 'gw',
      site_id: 's1',
      class: 'overview',
      cause: null,
      recording_status: 'ok',
      source: 'state',
    };
    await db
      .insertInto('camera_log')
      .values([
        { ...cam, camera_id: 'c1', status: 'online', integrated: 1, removed: 0, at: at(10) },
        { ...cam, camera_id: 'c1', status: 'offline', integrated: 0, removed: 0, at: at(11) },
        { ...cam, camera_id: 'c2', status: 'online', integrated: 1, removed: 1, at: at(11) },
        { ...cam, camera_id: 'c1', status: 'online', integrated: 1, removed: 0, at: at(12) },
      ])
      .execute();

    const log = await stateLogBetween(db, at(10), at(12));
    expect(log.gateways).toEqual([{ at: at(11), gatewayId: 'gw', state: 'lost' }]);
    const base = { at: at(11), siteId: 's1', gatewayId: 'gw' };
    expect([...log.cameras].sort((a, b) => a.cameraId.localeCompare(b.cameraId))).toEqual([
      { ...base, cameraId: 'c1', status: 'offline', integrated: false, removed: false },
      { ...base, cameraId: 'c2', status: 'online', integrated: true, removed: true },
    ]);
  });
});
