import { describe, expect, it } from 'vitest';
import type { SimFault } from '../../fixtures/sim/faults.js';
import { warmPictures } from '../../fixtures/sim/simPicture.js';
import { startSite } from '../../fixtures/sim/site.js';
import { loadConfigFile } from '../../src/config/load.js';
import { systemClock } from '../../src/shared/clock.js';
import { cameraStatePayload, eventPayload } from '../../src/uplink/payloads.js';
import { testBase } from '../fixtures/sim/helpers.js';
import { runCliInProcess } from '../helpers/cli.js';
import { tempConfig } from '../helpers/tempSite.js';
import { deferCleanup } from '../helpers/testCleanup.js';
import { startTestDaemon } from '../helpers/testDaemon.js';
import type { Centre } from '../uplink/helpers/centre.js';
import { captureLog } from '../uplink/helpers/gateway.js';
import { useBroker, useCentre } from '../uplink/helpers/rig.js';

/** A short interval so the test runs in minutes: 6 s (the default is 10 min). */
const INTERVAL_MS = 6_000;
/**
 * Two bad checks in a row raise a reason, so every fault shows within two intervals (issue #17),
 * frozen too: each check grabs the picture twice a few seconds apart and judges frozen on its own.
 * The slack is for a loaded box's ffmpeg.
 */
const SLACK_MS = 8_000;
const WITHIN_MS = 2 * INTERVAL_MS + SLACK_MS;

/** Camera (simulator id), its scene, the fault switched on, the reason it must raise. */
const PLAN: [string, 'street' | 'fractal', SimFault, string][] = [
  ['street-black', 'street', 'pictureBlack', 'picture_dark'],
  ['fractal-covered', 'fractal', 'pictureCovered', 'picture_covered'],
  ['street-blurred', 'street', 'pictureBlurred', 'picture_blurred'],
  ['fractal-shifted', 'fractal', 'pictureShifted', 'view_changed'],
  ['street-frozen', 'street', 'pictureFrozen', 'picture_frozen'],
  ['fractal-blurred', 'fractal', 'pictureBlurred', 'picture_blurred'],
];

function lastState(centre: Centre, cameraId: string) {
  const msgs = centre.on(`/cameras/${cameraId}/state`);
  const last = msgs[msgs.length - 1];
  return last ? cameraStatePayload.parse(last.json) : undefined;
}

async function waitState(
  centre: Centre,
  cameraId: string,
  pred: (s: NonNullable<ReturnType<typeof lastState>>) => boolean,
  what: string,
  timeoutMs: number,
): Promise<number> {
  const t0 = systemClock.monotonic();
  await centre.waitFor(
    () => {
      const s = lastState(centre, cameraId);
      return s !== undefined && pred(s);
    },
    `${cameraId}: ${what}`,
    timeoutMs,
  );
  return systemClock.monotonic() - t0;
}

describe('picture checks end to end: simulator → daemon → real Mosquitto (issue #17)', () => {
  it('each picture fault shows in the MQTT state within two intervals (frozen too) and clears when switched off', async () => {
    // Every picture the simulated cameras can serve is made before the clock starts.
    await Promise.all([warmPictures('street'), warmPictures('fractal')]);
    const base = testBase(97);
    const site = await startSite({
      // One camera per fault, all faulted at once (two scenes): minutes of test, not one per fault.
      cameras: PLAN.map(([id, scene]) => ({ kind: 'overview' as const, id, scene })),
      baseAddress: base,
      discovery: false,
    });
    deferCleanup(() => site.stop());
    const broker = await useBroker();
    const centre = await useCentre(broker.url);
    const cfg = tempConfig(
      [
        `mqtt: { url: "${broker.url}" }`,
        `credentials: [{ match: "*", username: ${site.username}, password: ${site.password} }]`,
        `picture: { intervalMinutes: ${INTERVAL_MS / 60_000} }`,
        'cameras:',
        ...site.cameras.map(
          (c) => `  - { id: pic-${c.id}, address: ${c.address}, onvifPort: ${c.onvifPort} }`,
        ),
      ].join('\n'),
    );
    deferCleanup(cfg.cleanup);
    const { log, lines } = captureLog();
    const daemon = await startTestDaemon({ config: loadConfigFile(cfg.configPath), log });
    // On a timeout, what the daemon saw of the picture says why (measures, last error, log).
    const evidence = async (id: string): Promise<string> =>
      `${JSON.stringify(await daemon.context?.control.invoke('GET', `/picture/${id}`))}\n${lines
        .filter((l) => l.includes('picture'))
        .slice(-10)
        .join('\n')}`;
    const waitFor = async (...args: Parameters<typeof waitState>): Promise<number> => {
      try {
        return await waitState(...args);
      } catch (err) {
        throw new Error(`${(err as Error).message}\n${await evidence(args[1])}`, { cause: err });
      }
    };

    // Learning: three good samples make the reference; the camera is online and integrated.
    await Promise.all(
      PLAN.map(([id]) =>
        waitFor(centre, `pic-${id}`, (s) => s.picture?.status === 'ok', 'reference learnt', 90_000),
      ),
    );
    for (const [id] of PLAN)
      expect(lastState(centre, `pic-${id}`)).toMatchObject({
        status: 'online',
        integrated: true,
        picture: { reasons: [] },
      });

    const timings: string[] = [];
    const camera = (simId: string) => {
      const cam = site.cameras.find((c) => c.id === simId);
      if (!cam) throw new Error(`no sim camera ${simId}`);
      return cam;
    };
    const t0 = systemClock.monotonic();
    for (const [simId, , fault] of PLAN) camera(simId).setFault(fault, true);
    await Promise.all(
      PLAN.map(async ([simId, , fault, reason]) => {
        const id = `pic-${simId}`;
        await waitFor(
          centre,
          id,
          (s) => s.picture?.reasons.includes(reason as never) ?? false,
          `${reason} raised`,
          WITHIN_MS,
        );
        timings.push(
          `${fault} on ${simId}: raised ${Math.round((systemClock.monotonic() - t0) / 100) / 10} s`,
        );
        const bad = lastState(centre, id);
        expect(bad).toMatchObject({ status: 'degraded', integrated: false, cause: 'picture_degraded' });
        expect(bad?.reasons).toContain(reason);
        expect(bad?.picture?.reasons).toEqual([reason]);
      }),
    );
    const t1 = systemClock.monotonic();
    for (const [simId, , fault] of PLAN) camera(simId).setFault(fault, false);
    await Promise.all(
      PLAN.map(async ([simId, , fault, reason]) => {
        const id = `pic-${simId}`;
        await waitFor(centre, id, (s) => s.picture?.reasons.length === 0, `${reason} cleared`, WITHIN_MS);
        timings.push(
          `${fault} on ${simId}: cleared ${Math.round((systemClock.monotonic() - t1) / 100) / 10} s`,
        );
        expect(lastState(centre, id)).toMatchObject({ status: 'online', integrated: true, cause: null });
      }),
    );
    const plan = PLAN;
    await centre.waitFor(
      () => centre.events().filter((e) => e.type === 'picture.degraded').length >= plan.length,
      'a picture.degraded event per fault',
    );
    const events = centre.events().map((e) => eventPayload.parse(e));
    for (const [simId, , , reason] of plan) {
      expect(
        events.some(
          (e) =>
            e.type === 'picture.degraded' &&
            e.cameraId === `pic-${simId}` &&
            (e.reasons as string[]).includes(reason),
        ),
      ).toBe(true);
    }
    await centre.waitFor(
      () => centre.events().filter((e) => e.type === 'picture.ok').length >= plan.length,
      'a picture.ok event per cleared fault',
    );
    for (const m of centre.messages) expect(m.text).not.toContain(site.password);
    // The report reads the daemon's own database (written while it runs): each camera's fault
    // shows as picture-degraded time under its reason, and that time is not integrated.
    const today = new Date().toISOString().slice(0, 10);
    const rep = await runCliInProcess([
      'report',
      '--from',
      today,
      '--to',
      today,
      '--json',
      '--config',
      cfg.configPath,
    ]);
    expect(rep.stderr).toBe('');
    const doc = JSON.parse(rep.stdout) as {
      cameras: {
        id: string;
        picture: { degradedMs: number; byReasonMs: Record<string, number> } | null;
        integrated: { downMs: number };
      }[];
    };
    for (const [simId, , , reason] of plan) {
      const c = doc.cameras.find((x) => x.id === `pic-${simId}`);
      expect(c?.picture?.byReasonMs[reason], `${simId} ${reason} time`).toBeGreaterThan(0);
      expect(c?.integrated.downMs, simId).toBeGreaterThanOrEqual(c?.picture?.degradedMs ?? 1);
    }
    console.log(`picture e2e (interval ${INTERVAL_MS / 1000} s): ${timings.join('; ')}`);
  }, 400_000);
});
