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

const camera = snapshotCamera('cam-7', '10.0.0.7');

async function minutes(clock: FakeClock, n: number): Promise<void> {
  for (let s = 0; s < n * 60; s++) {
    clock.advance(1000);
    await new Promise((r) => setImmediate(r));
  }
}

describe('a stream that comes back has its picture judged again at once (issue #17)', () => {
  it('a camera cleaned while its stream was down is cleared within minutes of the stream’s return, not at its next slots', async () => {
    const clock = new FakeClock({ wall: Date.UTC(2026, 11, 5, 10) });
    const store = Store.open({ dir: ':memory:', log: silentLog() });
    deferCleanup(() => store.close());
    const { bus, board, states } = statesWithCamera(clock, camera.id, camera.address);
    const stream = (up: boolean) =>
      states.stream(
        camera.id,
        up
          ? { status: 'online', since: new Date(clock.now()).toISOString(), reasons: [] }
          : { status: 'offline', since: new Date(clock.now()).toISOString(), reasons: ['stream_stalled'] },
        [],
      );
    stream(true);
    const centre: string[] = [];
    bus.on('health.picture', (p) => centre.push(pictureEvent(p)?.type ?? '-'));
    bus.on('picture.verdict', (p) => states.picture(p.cameraId, p.view, p.at, p.resumed));
    let picture: (x: number, y: number) => number = dark;
    let seed = 0;
    const service = new PictureService({
      clock,
      log: silentLog(),
      bus,
      // The default interval: 10 minutes.
      config: pictureSchema.parse({}),
      store: new PictureRepo(store.db, 'b1'),
      cameras: () => [camera],
      streamAdvancing: () => {
        const status = board.camera(camera.id)?.status;
        return status === 'online' || status === 'degraded';
      },
      sample: async () => {
        seed += 1;
        return { thumbnail: noisyThumb(picture, seed) };
      },
      ffmpegSlots: new Slots(1),
      samplesPerSlot: 16,
    });
    await service.start();
    deferCleanup(() => service.stop());
    await minutes(clock, 31);
    expect(board.camera(camera.id)).toMatchObject({ reasons: ['picture_dark'], cause: 'picture_degraded' });
    expect(centre).toEqual(['picture.degraded']);

    // A power cut: the stream is down for 45 minutes; the lens is cleaned meanwhile.
    stream(false);
    await minutes(clock, 1);
    expect(board.camera(camera.id)).toMatchObject({ status: 'offline', cause: 'stream_stalled' });
    picture = scene;
    await minutes(clock, 44);

    stream(true);
    // Until the first fresh check the camera keeps its last verdict (a covered camera must not
    // pass for integrated because its stream dropped).
    expect(board.camera(camera.id)).toMatchObject({ status: 'degraded', cause: 'picture_degraded' });
    // Two checks a minute apart (`picture.clearAfter` 2); the next slot was up to 10 minutes away.
    await minutes(clock, 3);
    expect(board.camera(camera.id)).toMatchObject({ status: 'online', reasons: [], integrated: true });
    expect(centre).toEqual(['picture.degraded', 'picture.ok']);
  });
});
