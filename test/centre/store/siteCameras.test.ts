import { describe, expect, it } from 'vitest';
import { openCentreDb } from '../../../src/centre/store/openDb.js';
import { siteCameras } from '../../../src/centre/store/pictureRepo.js';
import { useTempDir } from '../../helpers/tempDir.js';
import { deferCleanup } from '../../helpers/testCleanup.js';
import { STORES, useStores } from '../pg.js';

/**
 * A 0.5 gateway publishes a camera it has no verdict on as status `unknown`, cause
 * `camera_offline`. The figures count it as not_yet_seen; the site's camera list (the dashboard's)
 * showed camera_offline beside them. Both now apply the one mapping (centre/publishedCause.ts).
 */
const freshStore = useStores();

describe.each(STORES)("a site's camera list, $driver", ({ driver }) => {
  it('shows the cause the figures count: a 0.5 gateway’s unknown + camera_offline is not_yet_seen', async () => {
    const db = await openCentreDb(await freshStore(driver, `${useTempDir('camgate-centre-')}/c.db`));
    deferCleanup(() => db.destroy());
    const at = '2026-03-07T10:00:00.000Z';
    const row = (cameraId: string, status: string, cause: string | null) => ({
      gateway_id: 'gw',
      site_id: 's1',
      camera_id: cameraId,
      class: 'overview',
      status,
      integrated: 0,
      cause,
      recording_status: 'ok',
      since: at,
      ts: at,
      payload: JSON.stringify({ cameraId, class: 'overview', status, integrated: false, cause }),
    });
    await db
      .insertInto('cameras')
      .values([row('c1', 'unknown', 'camera_offline'), row('c2', 'offline', 'camera_offline')])
      .execute();
    const list = (await siteCameras(db, 's1')) as { cameraId: string; cause: string; status: string }[];
    const byId = Object.fromEntries(list.map((c) => [c.cameraId, c]));
    expect(byId.c1).toMatchObject({ gatewayId: 'gw', status: 'unknown', cause: 'not_yet_seen' });
    expect(byId.c2).toMatchObject({ status: 'offline', cause: 'camera_offline' });
  });
});
