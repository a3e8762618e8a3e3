import { describe, expect, it } from 'vitest';
import { type SimCamera, startSite } from '../../fixtures/sim/site.js';
import { loadConfigFile } from '../../src/config/load.js';
import { eventPayload, summaryPayload } from '../../src/uplink/payloads.js';
import { testBase } from '../fixtures/sim/helpers.js';
import { tempConfig } from '../helpers/tempSite.js';
import { deferCleanup } from '../helpers/testCleanup.js';
import { startTestDaemon } from '../helpers/testDaemon.js';
import { useBroker, useCentre } from '../uplink/helpers/rig.js';

const PASSWORD = 'cap-Secret-9';

/**
 * #13 item 9: a site (or a LAN device answering probes) with more cameras than
 * `discovery.maxCameras`. The real daemon sweeps the simulated site and tells a real Mosquitto;
 * the operations centre must hear the cap once when it is reached and once when it clears.
 */
describe('the inventory cap reaches the centre (simulator, real daemon, real Mosquitto)', () => {
  it('3 cameras, cap 2: one discovery.cap_reached, summary.inventoryCap, no repeat per sweep or restart; cleared below', async () => {
    const base = testBase(137);
    const site = await startSite({
      cameras: [{ kind: 'overview' }, { kind: 'overview' }, { kind: 'overview' }],
      baseAddress: base,
      password: PASSWORD,
      discovery: false,
    });
    deferCleanup(() => site.stop());
    const broker = await useBroker();
    const centre = await useCentre(broker.url);
    const onvifPort = new URL(site.cameras[0]?.xaddr ?? '').port;
    const cfg = tempConfig(
      [
        'site: { id: cap-site }',
        `discovery: { multicast: false, ranges: ["${base.replace(/\.\d+$/, '.0')}/29"], ports: [${onvifPort}], probeWindowSeconds: 1, maxCameras: 2, missedSweepsBeforeRemoved: 1 }`,
        `mqtt: { url: "${broker.url}" }`,
        'credentials:',
        `  - { match: "*", username: admin, password: "${PASSWORD}" }`,
      ].join('\n'),
    );
    deferCleanup(cfg.cleanup);
    const first = await startTestDaemon({ config: loadConfigFile(cfg.configPath) });
    const events = (type: string) => centre.events().filter((e) => e.type === type);
    const lastSummary = () => {
      const s = centre.on('/cap-site/gw-test/summary').at(-1);
      return s ? summaryPayload.parse(s.json) : undefined;
    };

    await centre.waitFor(() => events('discovery.cap_reached').length > 0, 'discovery.cap_reached', 60_000);
    const reached = eventPayload.parse(events('discovery.cap_reached')[0]);
    // All three answer the first sweep on an idle box (ignored 1); a slow third one is counted later.
    expect(reached).toMatchObject({ cameraId: null, maxCameras: 2, cameras: 2 });
    expect(reached.seen).toBe(2 + Number(reached.ignored));

    // A restart finds the cap still reached: the centre was told, so no second raise.
    await first.stop();
    const daemon = await startTestDaemon({ config: loadConfigFile(cfg.configPath) });
    const control = daemon.context?.control;
    if (!control) throw new Error('daemon has no control server');
    const births = () =>
      new Set(centre.on('/cap-site/gw-test/status').map((m) => (m.json as { bootId: string }).bootId));
    await centre.waitFor(() => births().size === 2, 'the second boot online');

    // More sweeps find the same three: no second alarm, nothing added, the third counted once.
    await control.invoke('POST', '/rediscover', undefined);
    await control.invoke('POST', '/rediscover', undefined);
    await centre.waitFor(
      () => lastSummary()?.inventoryCap?.ignored === 1,
      'the retained summary counting the device left out',
    );
    expect(lastSummary()?.inventoryCap).toEqual({ maxCameras: 2, reached: true, ignored: 1 });
    const sections = daemon.context?.board.sectionsSnapshot() as { discovery: Record<string, unknown> };
    expect(sections.discovery).toMatchObject({ maxCameras: 2, capReached: true, capIgnored: 1 });
    // Everything the second boot recorded has been delivered before counting.
    const board = daemon.context?.board;
    if (!board) throw new Error('daemon has no board');
    const uplink = () =>
      (board.sectionsSnapshot() as { uplink: { outboxDepth: number; inflight: number } }).uplink;
    await centre.waitFor(() => uplink().outboxDepth === 0 && uplink().inflight === 0, 'the outbox drained');
    expect(events('discovery.cap_reached')).toHaveLength(1);
    expect(events('camera.added')).toHaveLength(2);
    expect(events('discovery.cap_cleared')).toHaveLength(0);

    // Two cameras go away: one left, under the cap.
    const [a, b] = site.cameras as [SimCamera, SimCamera, SimCamera];
    a.setFault('stop', true);
    b.setFault('stop', true);
    await control.invoke('POST', '/rediscover', undefined);
    await centre.waitFor(() => events('discovery.cap_cleared').length > 0, 'discovery.cap_cleared', 30_000);
    const cleared = eventPayload.parse(events('discovery.cap_cleared')[0]);
    expect(cleared).toMatchObject({ cameraId: null, maxCameras: 2, cameras: 1, ignored: 1 });
    expect(Number(cleared.seq)).toBeGreaterThan(Number(reached.seq));
    await centre.waitFor(
      () => lastSummary()?.inventoryCap?.reached === false,
      'the retained summary saying the cap cleared',
    );
    expect(lastSummary()?.inventoryCap).toEqual({ maxCameras: 2, reached: false, ignored: 0 });
    expect(events('discovery.cap_reached')).toHaveLength(1);
  }, 120_000);
});
