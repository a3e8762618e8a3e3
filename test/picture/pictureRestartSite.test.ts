import { describe, expect, it } from 'vitest';
import { warmPictures } from '../../fixtures/sim/simPicture.js';
import { startSite } from '../../fixtures/sim/site.js';
import { loadConfigFile } from '../../src/config/load.js';
import { systemClock } from '../../src/shared/clock.js';
import { cameraStatePayload } from '../../src/uplink/payloads.js';
import { testBase } from '../fixtures/sim/helpers.js';
import { tempConfig } from '../helpers/tempSite.js';
import { deferCleanup } from '../helpers/testCleanup.js';
import { startTestDaemon } from '../helpers/testDaemon.js';
import type { Centre } from '../uplink/helpers/centre.js';
import { useBroker, useCentre } from '../uplink/helpers/rig.js';

/** 6 s (the default is 10 min): the test runs in about a minute. */
const INTERVAL_MS = 6_000;
const CAMERA = 'pic-covered';

const states = (centre: Centre, from = 0) =>
  centre
    .on(`/cameras/${CAMERA}/state`)
    .slice(from)
    .map((m) => cameraStatePayload.parse(m.json));
/** Distinct picture events of the camera (consumers dedupe on eventId). */
const pictureEvents = (centre: Centre) => [
  ...new Map(
    centre
      .events()
      .filter((e) => e.cameraId === CAMERA && String(e.type).startsWith('picture.'))
      .map((e) => [e.eventId, String(e.type)]),
  ).values(),
];

describe('picture verdict across a daemon restart: simulator → daemon → real Mosquitto (issue #17)', () => {
  it('a covered camera is never published integrated after a restart, gets no second picture.degraded, and clears with picture.ok', async () => {
    await warmPictures('fractal');
    const site = await startSite({
      cameras: [{ kind: 'overview' as const, id: 'covered', scene: 'fractal' }],
      baseAddress: testBase(98),
      discovery: false,
    });
    deferCleanup(() => site.stop());
    const sim = site.cameras[0];
    if (!sim) throw new Error('no sim camera');
    const broker = await useBroker();
    const centre = await useCentre(broker.url);
    const cfg = tempConfig(
      [
        `mqtt: { url: "${broker.url}" }`,
        `credentials: [{ match: "*", username: ${site.username}, password: ${site.password} }]`,
        `picture: { intervalMinutes: ${INTERVAL_MS / 60_000} }`,
        'cameras:',
        `  - { id: ${CAMERA}, address: ${sim.address}, onvifPort: ${sim.onvifPort} }`,
      ].join('\n'),
    );
    deferCleanup(cfg.cleanup);
    sim.setFault('pictureCovered', true);

    const first = await startTestDaemon({ config: loadConfigFile(cfg.configPath) });
    await centre.waitFor(
      () => states(centre).some((s) => s.picture?.reasons.includes('picture_covered') ?? false),
      'picture_covered raised',
      60_000,
    );
    await centre.waitFor(() => pictureEvents(centre).length === 1, 'picture.degraded', 20_000);
    await first.stop();

    // The daemon restarts; the camera is still covered.
    const mark = states(centre).length;
    await startTestDaemon({ config: loadConfigFile(cfg.configPath) });
    await centre.waitFor(
      () => states(centre, mark).some((s) => s.status === 'degraded'),
      'state after the restart',
      30_000,
    );
    // Three intervals of checks of the still covered camera.
    await systemClock.sleep(3 * INTERVAL_MS);
    const after = states(centre, mark);
    expect(after.filter((s) => s.integrated)).toEqual([]);
    expect(after.filter((s) => s.status === 'online' || s.status === 'degraded').at(-1)).toMatchObject({
      status: 'degraded',
      cause: 'picture_degraded',
      picture: { reasons: ['picture_covered'] },
    });
    expect(pictureEvents(centre)).toEqual(['picture.degraded']);

    sim.setFault('pictureCovered', false);
    await centre.waitFor(
      () => states(centre).at(-1)?.integrated === true,
      'cleared: integrated again',
      4 * INTERVAL_MS + 8_000,
    );
    await centre.waitFor(() => pictureEvents(centre).length === 2, 'picture.ok', 20_000);
    expect(pictureEvents(centre)).toEqual(['picture.degraded', 'picture.ok']);
  }, 180_000);
});
