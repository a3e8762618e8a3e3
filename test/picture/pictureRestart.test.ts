import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pictureSchema } from '../../src/config/pictureSchema.js';
import { PictureService } from '../../src/picture/pictureService.js';
import { Slots } from '../../src/picture/slots.js';
import { silentLog } from '../../src/shared/log.js';
import { PictureRepo } from '../../src/store/pictureRepo.js';
import { Store } from '../../src/store/store.js';
import { pictureEvent } from '../../src/uplink/eventRules.js';
import { FakeClock } from '../helpers/fakeClock.js';
import { deferCleanup } from '../helpers/testCleanup.js';
import { dark, noisyThumb, scene, snapshotCamera, statesWithCamera } from './helpers.js';

const camera = snapshotCamera('cam-1');

/**
 * One daemon run on the store in `dir`: a real SQLite file, a PictureService and the CameraStates
 * it reports to, the stream online. `picture` is what the camera shows.
 */
function boot(dir: string, bootId: string, clock: FakeClock) {
  const store = Store.open({ dir, log: silentLog() });
  const { bus, board, states } = statesWithCamera(clock, camera.id, camera.address);
  states.stream(camera.id, { status: 'online', since: '2026-12-05T09:00:00.000Z', reasons: [] }, []);
  const centre: string[] = [];
  bus.on('health.picture', (p) => centre.push(pictureEvent(p)?.type ?? '-'));
  bus.on('picture.verdict', (p) => states.picture(p.cameraId, p.view, p.at, p.resumed));
  const run = { picture: dark as (x: number, y: number) => number, seed: 0 };
  const service = new PictureService({
    clock,
    log: silentLog(),
    bus,
    config: pictureSchema.parse({ intervalMinutes: 1 }),
    store: new PictureRepo(store.db, bootId),
    cameras: () => [camera],
    streamAdvancing: () => true,
    sample: async () => {
      run.seed += 1;
      return { thumbnail: noisyThumb(run.picture, run.seed) };
    },
    ffmpegSlots: new Slots(1),
    samplesPerSlot: 16,
  });
  const rows = () =>
    store.db
      .prepare('SELECT reasons, ended_at AS endedAt, boot_id AS bootId FROM picture_degraded ORDER BY id')
      .all();
  return { store, board, service, centre, run, rows };
}

async function seconds(clock: FakeClock, n: number): Promise<void> {
  for (let s = 0; s < n; s++) {
    clock.advance(1000);
    await new Promise((r) => setImmediate(r));
  }
}

describe('a restart keeps the picture verdict (issue #17)', () => {
  it('a bad picture stays raised across a restart without a second picture.degraded; two good checks then clear it and close the period', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-picture-restart-'));
    deferCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
    const clock = new FakeClock({ wall: Date.UTC(2026, 11, 5, 10) });

    const first = boot(dir, 'b1', clock);
    await first.service.start();
    await seconds(clock, 180);
    expect(first.board.camera(camera.id)).toMatchObject({ integrated: false, cause: 'picture_degraded' });
    expect(first.centre).toEqual(['picture.degraded']);
    await first.service.stop();
    first.store.close();

    // The daemon restarts; the camera still shows a dark picture.
    const second = boot(dir, 'b2', clock);
    deferCleanup(() => second.store.close());
    await second.service.start();
    await seconds(clock, 1);
    // Before its first check, the camera is what it was: not integrated, the same reasons.
    expect(second.board.camera(camera.id)).toMatchObject({
      status: 'degraded',
      reasons: ['picture_dark'],
      integrated: false,
      cause: 'picture_degraded',
    });
    await seconds(clock, 180);
    expect(second.board.camera(camera.id)).toMatchObject({ integrated: false, cause: 'picture_degraded' });
    // The centre heard `picture.degraded` before the restart: nothing new since.
    expect(second.centre).toEqual([]);
    expect(second.rows()).toEqual([
      { reasons: 'picture_dark', endedAt: null, bootId: 'b1' },
      { reasons: 'picture_dark', endedAt: null, bootId: 'b2' },
    ]);

    // The lens is cleaned: two good checks clear it as usual.
    second.run.picture = scene;
    await seconds(clock, 180);
    expect(second.board.camera(camera.id)).toMatchObject({ status: 'online', reasons: [], integrated: true });
    expect(second.centre).toEqual(['picture.ok']);
    expect(second.rows()).toMatchObject([
      { bootId: 'b1', endedAt: expect.any(String) },
      { bootId: 'b2', endedAt: expect.any(String) },
    ]);
    await second.service.stop();
  });

  it('a period left open whose picture is fine after the restart is closed by two good checks (picture.ok)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-picture-restart-'));
    deferCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
    const clock = new FakeClock({ wall: Date.UTC(2026, 11, 5, 10) });
    const setup = Store.open({ dir, log: silentLog() });
    new PictureRepo(setup.db, 'b1').degraded(camera.id, ['picture_covered'], '2026-12-05T09:00:00.000Z');
    setup.close();

    const next = boot(dir, 'b2', clock);
    deferCleanup(() => next.store.close());
    next.run.picture = scene;
    await next.service.start();
    await seconds(clock, 180);
    expect(next.centre).toEqual(['picture.ok']);
    expect(next.rows()).toEqual([
      { reasons: 'picture_covered', endedAt: expect.any(String), bootId: 'b1' },
      { reasons: 'picture_covered', endedAt: expect.any(String), bootId: 'b2' },
    ]);
    expect(next.board.camera(camera.id)).toMatchObject({ status: 'online', integrated: true });
    await next.service.stop();
  });
});
