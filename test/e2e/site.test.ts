import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimSite } from '../../fixtures/sim/site.js';
import { runCli } from '../helpers/cli.js';
import { launchChromium, noChromium } from '../helpers/liveBrowser.js';
import { type SimSiteDaemon, startSimSiteDaemon } from '../helpers/simSiteDaemon.js';
import { Centre } from '../uplink/helpers/centre.js';
import { Broker } from '../uplink/helpers/mosquitto.js';

/**
 * The whole product, as an integrator runs it: the real `camgate run` subprocess finds a simulated
 * site by a unicast sweep, watches its RTSP streams and reports to a real Mosquitto; the centre
 * sees a frozen camera go offline with its cause and come back, and the technician's CLI agrees.
 */
const PASSWORD = 'e2e-Secret-42';

interface CameraState {
  cameraId: string;
  class: string;
  status: string;
  integrated: boolean;
  cause?: string | null;
  manufacturer?: string;
}

let sim: SimSiteDaemon;
let site: SimSite;
let broker: Broker;
let centre: Centre;
let daemon: SimSiteDaemon['daemon'] | undefined;
let cfg: SimSiteDaemon['cfg'];

beforeAll(async () => {
  broker = await Broker.start({ persistence: false });
  centre = await Centre.connect(broker.url, 'camgate/v1/#', `e2e-centre-${process.pid}`);
  sim = await startSimSiteDaemon({
    fileOctet: 60,
    siteId: 'e2e-site',
    password: PASSWORD,
    brokerUrl: broker.url,
  });
  ({ site, daemon, cfg } = sim);
}, 60_000);

afterAll(async () => {
  await daemon?.stop();
  await centre?.close();
  await broker?.dispose();
  await sim?.stop();
});

function latestStates(): Map<string, CameraState> {
  const out = new Map<string, CameraState>();
  for (const m of centre.messages) if (m.topic.endsWith('/state')) out.set(m.topic, m.json as CameraState);
  return new Map([...out.values()].map((s) => [s.cameraId, s]));
}

describe('a simulated site end to end (daemon subprocess, real Mosquitto)', () => {
  it('finds every camera by class and reports each integrated to the centre', async () => {
    await centre
      .waitFor(
        () => [...latestStates().values()].filter((s) => s.integrated).length === 3,
        'three integrated cameras on MQTT',
        45_000,
      )
      .catch((err: unknown) => {
        throw new Error(`${String(err)}\ndaemon log tail:\n${daemon?.logs().slice(-3000)}`);
      });
    const states = [...latestStates().values()];
    expect(states.map((s) => s.class).sort()).toEqual(['lpr', 'overview', 'panoramic']);
    expect(states.every((s) => s.status === 'online')).toBe(true);
    const summary = centre.on('/summary').at(-1)?.json as { camerasTotal: number; camerasIntegrated: number };
    expect(summary).toMatchObject({ camerasTotal: 3, camerasIntegrated: 3 });
    const status = centre.on('/status').at(-1)?.json as { state: string };
    expect(status.state).toBe('online');

    const cameras = await runCli(['cameras', '--json', '--config', cfg.configPath]);
    expect(cameras.code, cameras.stderr).toBe(0);
    const inv = JSON.parse(cameras.stdout).cameras as { address: string; model?: string; class: string }[];
    expect(inv.map((c) => c.address).sort()).toEqual(site.cameras.map((c) => c.address).sort());
    expect(inv.every((c) => Boolean(c.model))).toBe(true);
  }, 60_000);

  it('a frozen stream goes offline with its cause, is explained by `why`, and is restored', async () => {
    const lpr = site.cameras.find((c) => c.kind === 'lpr');
    if (!lpr) throw new Error('no lpr camera');
    const lprState = () => [...latestStates().values()].find((s) => s.class === 'lpr');
    const cameraId = lprState()?.cameraId ?? '';
    expect(cameraId).not.toBe('');

    lpr.setFault('freeze', true);
    await centre.waitFor(() => lprState()?.status === 'offline', 'lpr offline on MQTT', 20_000);
    expect(lprState()).toMatchObject({ integrated: false, cause: 'stream_stalled' });
    const starts = centre.events().filter((e) => e.type === 'outage.start' && e.cameraId === cameraId);
    await centre.waitFor(
      () => centre.events().some((e) => e.type === 'outage.start' && e.cameraId === cameraId),
      'outage.start event',
    );
    expect(starts.length).toBeLessThanOrEqual(1);

    const why = await runCli(['why', cameraId, '--config', cfg.configPath]);
    expect(why.code, why.stderr).toBe(0);
    expect(why.stdout).toMatch(/stall/i);

    lpr.setFault('freeze', false);
    await centre.waitFor(() => lprState()?.integrated === true, 'lpr integrated again', 45_000);
    await centre.waitFor(
      () => centre.events().some((e) => e.type === 'outage.end' && e.cameraId === cameraId),
      'outage.end event',
    );
    const outages = await runCli(['outages', '--camera', cameraId, '--json', '--config', cfg.configPath]);
    expect(outages.code, outages.stderr).toBe(0);
    expect(JSON.stringify(JSON.parse(outages.stdout))).toContain('restored');
  }, 120_000);

  it('answers centre commands: probe a camera, rediscover the site, a snapshot', async () => {
    const lprId = [...latestStates().values()].find((s) => s.class === 'lpr')?.cameraId;
    const prefix = 'camgate/v1/e2e-site/gw-test';
    const issuedAt = new Date().toISOString();
    await centre.publish(
      `${prefix}/cmd/probe`,
      JSON.stringify({ requestId: 'p-1', issuedAt, args: { camera: lprId } }),
    );
    await centre.publish(`${prefix}/cmd/rediscover`, JSON.stringify({ requestId: 'r-1', issuedAt }));
    await centre.publish(
      `${prefix}/cmd/snapshot`,
      JSON.stringify({ requestId: 's-1', issuedAt, args: { camera: lprId } }),
    );
    const answer = (id: string) =>
      centre.on(`/cmd-resp/${id}`).at(-1)?.json as { status: string; result?: unknown };
    await centre.waitFor(
      () => Boolean(answer('p-1') && answer('r-1') && answer('s-1')),
      'command responses',
      30_000,
    );
    expect(answer('p-1')).toMatchObject({ status: 'ok', result: { ok: true, stream: { codec: 'h264' } } });
    expect(answer('r-1').status).toBe('ok');
    expect(JSON.stringify(answer('p-1'))).not.toContain(PASSWORD);
    const shot = answer('s-1') as { status: string; result: { source: string; jpegBase64: string } };
    expect(shot).toMatchObject({ status: 'ok', result: { cameraId: lprId, source: 'onvif' } });
    // A real JPEG: SOI marker FF D8 FF.
    expect(Buffer.from(shot.result.jpegBase64, 'base64').subarray(0, 3)).toEqual(
      Buffer.from([0xff, 0xd8, 0xff]),
    );
  }, 45_000);

  it('the handover pack: every camera with its picture, opened in Chromium from the folder', async () => {
    const out = path.join(cfg.dir, 'handover');
    const res = await runCli(['acceptance', '--out', out, '--json', '--config', cfg.configPath], {}, 90_000);
    const doc = JSON.parse(res.stdout) as {
      cameras: { id: string; snapshot: { file?: string; source?: string; error?: string } | null }[];
    };
    expect(doc.cameras.length).toBe(3);
    for (const c of doc.cameras) {
      expect(c.snapshot, c.id).toMatchObject({ source: 'onvif' });
      const jpeg = fs.readFileSync(path.join(out, c.snapshot?.file ?? 'missing'));
      expect(jpeg.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    }
    expect(res.stdout).not.toContain(PASSWORD);
    if (noChromium) return; // the files are checked above; the browser check needs chromium
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`file://${path.join(out, 'acceptance.html')}`);
      // Every picture loaded from snapshots/ beside the sheet and decoded (naturalWidth > 0).
      const widths = (await page.evaluate(
        "[...document.querySelectorAll('.pics img')].map((i) => i.complete ? i.naturalWidth : 0)",
      )) as number[];
      expect(widths.length).toBe(3);
      for (const w of widths) expect(w).toBeGreaterThan(0);
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('never puts a camera password in MQTT payloads or daemon logs, and stops cleanly', async () => {
    expect(centre.messages.some((m) => m.text.includes(PASSWORD))).toBe(false);
    const code = await daemon?.stop();
    expect(code).toBe(0);
    expect(daemon?.logs()).not.toContain(PASSWORD);
    await centre.waitFor(
      () => (centre.on('/status').at(-1)?.json as { state?: string } | undefined)?.state === 'offline',
      'clean stop publishes offline',
    );
    daemon = undefined;
  }, 30_000);
});
