import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSite } from '../../fixtures/sim/site.js';
import { figureAt } from '../../src/centre/history.js';
import { computeUptime } from '../../src/centre/uptime.js';
import { validateConfig } from '../../src/config/load.js';
import { systemClock } from '../../src/shared/clock.js';
import { testBase } from '../fixtures/sim/helpers.js';
import { useTcpRelay } from '../helpers/tcpRelay.js';
import { useTempDir } from '../helpers/tempDir.js';
import { deferCleanup } from '../helpers/testCleanup.js';
import { startTestDaemon } from '../helpers/testDaemon.js';
import { useBroker } from '../uplink/helpers/rig.js';
import { REGISTRY_HEAD, until, useRunningCentre } from './helpers.js';

/**
 * Issue #16 "a gateway that was offline for 2 hours replays its events and the past figure is
 * corrected", with the real gateway daemon (every module: RTSP sessions on the site simulator,
 * health, SQLite outbox, uplink) and the real centre, through a real Mosquitto. Only the
 * gateway's link is cut (a TCP relay between it and the broker), as a lapsed comms contract does:
 * the centre stays connected and learns of the loss only from the will, 10 s later.
 *
 * Time is compressed, not faked: the outage lasts ~15 s of real time instead of 2 h. Nothing on
 * the path depends on its length (the outbox keeps events by count, the centre places them by
 * their own `ts`); what is fixed in seconds is the will delay (10 s, the daemon's default), the
 * stall detection (2 s here) and the reconnect backoff (window 1 s here).
 */
const SITE = 'replay-01';
const REGISTRY = `${REGISTRY_HEAD}\n${SITE},Replay site,Zhytomyr,Korosten,street,1,0,1,,,\n`;
const iso = (ms: number): string => new Date(ms).toISOString();

describe('a real gateway cut off from the broker replays its history and the centre corrects the past', () => {
  it('the window of the cut: the centre first shows the frozen camera working and the site up until the will; after the replay, the truth', async () => {
    const site = await startSite({
      cameras: [
        { kind: 'overview', id: 'sim-r1' },
        { kind: 'lpr', id: 'sim-r2' },
      ],
      discovery: false,
      baseAddress: testBase(162),
    });
    deferCleanup(() => site.stop());
    const broker = await useBroker({ persistence: false });
    const relay = await useTcpRelay(broker.port);
    const centre = await useRunningCentre({
      url: broker.url,
      registryCsv: REGISTRY,
      dbFile: path.join(useTempDir('camgate-centre-replay-'), 'c.db'),
    });
    const dir = useTempDir('camgate-replay-');
    const [overview, lpr] = site.cameras;
    if (!overview || !lpr) throw new Error('no simulated cameras');
    const config = validateConfig({
      site: { id: SITE },
      gateway: { id: 'nvr-r' },
      storage: { path: path.join(dir, 'state') },
      control: { socket: path.join(dir, 'control.sock') },
      discovery: { multicast: false },
      credentials: [{ match: '*', username: site.username, password: site.password }],
      cameras: [
        { id: 'yard', rtsp: overview.rtspSubUrl, class: 'overview' },
        { id: 'gate-lpr', rtsp: lpr.rtspSubUrl, class: 'lpr' },
      ],
      health: { stallSeconds: 2, hysteresisSeconds: 1 },
      mqtt: { url: `mqtt://127.0.0.1:${relay.port}`, reconnectWindowSeconds: 1, keepaliveSeconds: 5 },
    });
    const daemon = await startTestDaemon({ config });
    const figure = () => centre.service.figure();
    const siteOf = async () => (await figure()).sites.find((s) => s.siteId === SITE);
    await until(
      siteOf,
      (s) => s?.cameras.integrated.total === 2,
      'both cameras integrated at the centre',
      60_000,
    );

    // The link goes; a second later the LPR camera freezes. Only the gateway sees it.
    const cutAt = systemClock.now();
    relay.cut();
    await systemClock.sleep(1000);
    lpr.setFault('freeze', true);
    const board = () => daemon.context?.board.camera('gate-lpr')?.status;
    await until(
      async () => board(),
      (s) => s === 'offline',
      'the gateway sees the camera offline',
      20_000,
    );
    const frozenSeen = systemClock.now();
    await until(siteOf, (s) => s?.cause === 'gateway_lost', 'the centre sees the will', 30_000);
    await systemClock.sleep(1000);
    const probeAt = systemClock.now();
    // The window: from 2 s after the cut (the gateway's outage starts at the cut itself; the
    // margin is for a loaded box's event loop) to now.
    const window = { from: iso(cutAt + 2000), to: iso(probeAt) };
    const lprUptime = async () => {
      const u = await computeUptime(centre.db, centre.registry, window.from, window.to);
      return {
        lpr: u.cameras.find((c) => c.cameraId === 'gate-lpr'),
        site: u.sites.find((s) => s.siteId === SITE),
      };
    };
    const inside = iso(frozenSeen); // the camera was down then, and the centre had not seen the will
    const duringGap = await lprUptime();
    const figureDuringGap = await figureAt(centre.db, centre.registry, inside, centre.service.figureOptions);
    // What the centre could know during the gap: the LPR camera working, the site up until the will.
    expect(duringGap.lpr?.workingPct).toBe(100);
    expect(duringGap.site?.integratedPct).toBeGreaterThan(0);
    expect(figureDuringGap.sites.find((s) => s.siteId === SITE)).toMatchObject({ integrated: true });

    relay.restore();
    const replayed = () =>
      centre.db.selectFrom('events').select(['type', 'camera_id', 'historical', 'payload']).execute();
    const events = await until(
      replayed,
      (r) =>
        r.some((e) => e.type === 'uplink.outage') &&
        r.some((e) => e.type === 'outage.start' && e.camera_id === 'gate-lpr'),
      'the replayed outage.start and the uplink.outage',
      90_000,
    );
    const start = events.find((e) => e.type === 'outage.start' && e.camera_id === 'gate-lpr');
    expect(Number(start?.historical)).toBe(1);
    const outage = JSON.parse(events.find((e) => e.type === 'uplink.outage')?.payload ?? '{}') as {
      startedAt: string;
      endedAt: string;
    };
    expect(Date.parse(outage.startedAt)).toBeLessThanOrEqual(cutAt + 2000);
    expect(Date.parse(outage.endedAt)).toBeGreaterThan(probeAt);

    const after = await lprUptime();
    const figureAfter = await figureAt(centre.db, centre.registry, inside, centre.service.figureOptions);
    // The truth: the LPR camera was down for most of the window, and the site was never integrated in it.
    expect(after.lpr?.workingPct).toBeLessThan(100);
    expect(after.site?.integratedPct).toBe(0);
    const fixed = figureAfter.sites.find((s) => s.siteId === SITE);
    expect(fixed).toMatchObject({ integrated: false, cause: 'gateway_lost' });
    expect(fixed?.evidence).toContain('uplink down from');
    expect(fixed?.cameras.working.total).toBe(1);
    // The live figure: the gateway back, the frozen camera down with its cause.
    await until(
      siteOf,
      (s) => s?.integrated === true && s.cameraCauses.stream_stalled === 1,
      'live figure',
      30_000,
    );
    await daemon.stop(); // before the broker goes, so its clean stop is not left waiting for a PUBACK
  }, 180_000);
});
