import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type SimCamera, type SimSite, startSite } from '../../fixtures/sim/site.js';
import type { Daemon } from '../../src/app/daemon.js';
import { loadConfigFile } from '../../src/config/load.js';
import type { WhyDoc } from '../../src/health/whyReport.js';
import { renderWhy } from '../../src/health/whyReport.js';
import { cameraStatePayload, eventPayload } from '../../src/uplink/payloads.js';
import { testBase } from '../fixtures/sim/helpers.js';
import { useTempDir } from '../helpers/tempDir.js';
import { tempConfig } from '../helpers/tempSite.js';
import { deferCleanup } from '../helpers/testCleanup.js';
import { startTestDaemon } from '../helpers/testDaemon.js';
import type { Centre } from '../uplink/helpers/centre.js';
import { useBroker, useCentre } from '../uplink/helpers/rig.js';

/**
 * Issue #17 item 3 end to end: the real daemon (discovery, streams, health, lpr, uplink) against
 * the simulator's ONVIF event service and a real Mosquitto. The read-rate arithmetic is the
 * production one with short periods, said plainly in the config: 2 s periods, one slot per "day",
 * learnt after reads in 2 periods, `lpr_no_reads` after 2 silent periods.
 */
const PASSWORD = 'lpr-Secret-5';
let site: SimSite;
let daemon: Daemon;
let centre: Centre;
let badSecret: string;

function cam(id: string): SimCamera {
  const c = site.cameras.find((x) => x.id === id);
  if (!c) throw new Error(`no sim camera ${id}`);
  return c;
}

function state(id: string) {
  const m = centre.on(`/cameras/${id}/state`).at(-1);
  return m?.json === undefined ? undefined : cameraStatePayload.parse(m.json);
}

function events(type: string, cameraId: string) {
  return centre
    .events()
    .map((e) => eventPayload.parse(e))
    .filter((e) => e.type === type && e.cameraId === cameraId);
}

/** The lpr section of `camgate status`: every LPR camera's latest verdict, refreshed each look. */
function gateLive(): { status: string; lastReadAt?: string } | undefined {
  const section = daemon.context?.board.sectionsSnapshot().lpr as
    | { cameras: { cameraId: string; status: string; lastReadAt?: string }[] }
    | undefined;
  return section?.cameras.find((c) => c.cameraId === 'gate');
}

async function why(id: string): Promise<WhyDoc> {
  return (await daemon.context?.control.invoke('GET', `/why/${id}`)) as WhyDoc;
}

beforeAll(async () => {
  const base = testBase(172);
  site = await startSite({
    cameras: [
      { kind: 'lpr', id: 'gate', events: { platesPerMinute: 120, motionEverySeconds: 1 } },
      { kind: 'lpr', id: 'dvc', events: { plateTopic: false, motionEverySeconds: 1 } },
      { kind: 'lpr', id: 'bad', events: { platesPerMinute: 120, motionEverySeconds: 0 } },
      { kind: 'overview', id: 'yard', events: { motionEverySeconds: 1 } },
    ],
    baseAddress: base,
    discovery: false,
    onvifPort: 18720,
    rtspPort: 18721,
    password: PASSWORD,
  });
  deferCleanup(() => site.stop());
  const broker = await useBroker();
  centre = await useCentre(broker.url);
  const entries = site.cameras.map((c) => `  - { id: ${c.id}, address: ${c.address}, onvifPort: 18720 }`);
  const secrets = useTempDir('camgate-lpr-secret-');
  badSecret = path.join(secrets, 'bad.pw');
  fs.writeFileSync(badSecret, PASSWORD);
  const cfg = tempConfig(
    [
      `mqtt: { url: "${broker.url}" }`,
      'credentials:',
      `  - { match: bad, username: admin, passwordFile: "${badSecret}" }`,
      `  - { match: "*", username: admin, password: "${PASSWORD}" }`,
      'cameras:',
      ...entries,
      // Short periods for the test (production: 3600 s, 24 a day, 7 days, 2 days, 3 periods).
      'lpr: { periodSeconds: 2, periodsPerDay: 1, learnDays: 30, minActiveDays: 2, noReadPeriods: 2, pullTimeoutSeconds: 1, subscriptionSeconds: 10 }',
    ].join('\n'),
  );
  deferCleanup(cfg.cleanup);
  daemon = await startTestDaemon({ config: loadConfigFile(cfg.configPath) });
}, 90_000);

describe('LPR read rate through the daemon, the simulator and Mosquitto', () => {
  it('reads stop → lpr_no_reads (degraded) in the retained state and an lpr.no_reads event → reads resume → cleared', async () => {
    await centre.waitFor(
      () => state('gate')?.status === 'online' && state('gate')?.lpr?.status === 'ok',
      'gate online and reading',
      60_000,
    );
    const reading = state('gate');
    expect(reading?.lpr).toMatchObject({ topic: 'tns1:RuleEngine/Recognition/LicensePlate' });
    expect(reading?.lpr?.readsLastHour).toBeGreaterThan(0);
    expect(reading?.integrated).toBe(true);

    cam('gate').setPlateRate(0);
    await centre.waitFor(() => state('gate')?.lpr?.status === 'no_reads', 'lpr_no_reads', 30_000);
    const silent = state('gate');
    expect(silent).toMatchObject({ status: 'degraded', integrated: true, cause: null });
    expect(silent?.reasons).toContain('lpr_no_reads');
    expect(silent?.lpr?.readsLastHour).toBe(0);
    await centre.waitFor(() => events('lpr.no_reads', 'gate').length === 1, 'lpr.no_reads event');
    const text = renderWhy(await why('gate'));
    expect(text).toContain('lpr_no_reads');
    expect(text).toMatch(/NO plate reads/);

    // Review #1: an event-service failure while no plate is read is no read: the camera stays
    // no_reads (the code in detail), no lpr.reading, since unmoved, and no second lpr.no_reads.
    const since = state('gate')?.since;
    const row = () => daemon.context?.board.camera('gate')?.lpr;
    cam('gate').setPullAnswer('garbage');
    await centre.waitFor(() => (row()?.detail ?? '').includes('ONVIF_MALFORMED'), 'gate pull fails', 30_000);
    expect(row()?.status).toBe('no_reads');
    cam('gate').setPullAnswer('normal');
    await centre.waitFor(() => row()?.detail === undefined, 'gate re-subscribed', 30_000);
    expect(state('gate')).toMatchObject({ status: 'degraded', since, lpr: { status: 'no_reads' } });
    expect(events('lpr.reading', 'gate')).toHaveLength(0);
    expect(events('lpr.no_reads', 'gate')).toHaveLength(1);

    cam('gate').setPlateRate(120);
    await centre.waitFor(() => state('gate')?.lpr?.status === 'ok', 'reads resumed', 30_000);
    expect(state('gate')?.status).toBe('online');
    expect(state('gate')?.reasons).not.toContain('lpr_no_reads');
    await centre.waitFor(() => events('lpr.reading', 'gate').length === 1, 'lpr.reading event');
    expect(JSON.stringify(centre.on('/'))).not.toContain(PASSWORD);
  }, 120_000);

  it('an LPR camera without a plate topic (the DVC unit as captured) says so in MQTT and in why; overview cameras carry no lpr field', async () => {
    await centre.waitFor(() => state('dvc')?.lpr?.status === 'no_topic', 'dvc no_topic', 60_000);
    expect(state('dvc')?.lpr).toMatchObject({ topic: null, readsLastHour: 0 });
    expect(renderWhy(await why('dvc'))).toMatch(/no licence-plate event topic.*none a licence-plate read/);
    await centre.waitFor(() => state('yard') !== undefined, 'yard state');
    expect(state('yard')).not.toHaveProperty('lpr');
  }, 90_000);

  it.each([
    ['hugeBody', 'ONVIF_TOO_LARGE'],
    ['garbage', 'ONVIF_MALFORMED'],
    ['hang', 'ONVIF_TIMEOUT'],
  ] as const)(
    'PullMessages answered with %s: bounded (%s), marked error, the other camera keeps reading; recovers',
    async (answer, code) => {
      await centre.waitFor(() => state('bad')?.lpr?.status === 'ok', 'bad reading first', 60_000);
      const lprRow = () => daemon.context?.board.camera('bad')?.lpr;
      const started = Date.now();
      cam('bad').setPullAnswer(answer);
      // hang: cut at pullTimeoutSeconds + 10 s; the others at once.
      await centre.waitFor(
        () => state('bad')?.lpr?.status === 'error',
        `bad marked error (${answer})`,
        30_000,
      );
      expect(Date.now() - started).toBeLessThan(answer === 'hang' ? 25_000 : 10_000);
      expect(lprRow()?.detail).toContain(code);
      // Meanwhile the gate reads on: its last read (the service's live view, `camgate status`) advances.
      const before = gateLive()?.lastReadAt ?? '';
      await centre.waitFor(() => (gateLive()?.lastReadAt ?? '') > before, 'gate still reading', 10_000);
      expect(gateLive()?.status).toBe('ok');
      expect(state('bad')?.status).not.toBe('offline');
      cam('bad').setPullAnswer('normal');
      await centre.waitFor(() => state('bad')?.lpr?.status === 'ok', 'bad recovered', 90_000);
    },
    150_000,
  );

  it('a changed camera password shows as an ONVIF_AUTH error; after the passwordFile is fixed and reloaded it reads again', async () => {
    await centre.waitFor(() => state('bad')?.lpr?.status === 'ok', 'bad reading first', 60_000);
    cam('bad').setFault('wrongPassword', true);
    await centre.waitFor(() => state('bad')?.lpr?.status === 'error', 'bad refused', 30_000);
    expect(daemon.context?.board.camera('bad')?.lpr?.detail).toContain('ONVIF_AUTH');
    fs.writeFileSync(badSecret, `${PASSWORD}-changed`);
    daemon.context?.bus.emit('credentials.reload', { at: Date.now() });
    await centre.waitFor(
      () => state('bad')?.lpr?.status === 'ok',
      'bad reading with the new password',
      90_000,
    );
    expect(JSON.stringify(centre.on('/'))).not.toContain(PASSWORD);
    cam('bad').setFault('wrongPassword', false);
  }, 150_000);

  it('a camera reboot loses its subscription: marked error while it is down, re-subscribed and reading after it is back', async () => {
    await centre.waitFor(() => gateLive()?.status === 'ok', 'gate reading', 60_000);
    cam('gate').setFault('stop', true);
    await centre.waitFor(() => gateLive()?.status === 'error', 'gate down', 30_000);
    cam('gate').setFault('stop', false);
    const back = Date.now();
    // Backoff after failures is at most 60 s (jittered); the sim's subscription ids start again at 1.
    await centre.waitFor(
      () => gateLive()?.status === 'ok' && Date.parse(gateLive()?.lastReadAt ?? '') > back,
      'gate re-subscribed and reading',
      90_000,
    );
  }, 150_000);
});
