import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimSite, startSite } from '../../fixtures/sim/site.js';
import { systemClock } from '../../src/shared/clock.js';
import { EventBus } from '../../src/shared/events.js';
import { silentLog } from '../../src/shared/log.js';
import { systemNet } from '../../src/shared/net.js';
import { probeStream } from '../../src/streams/probe.js';
import { StreamMonitor } from '../../src/streams/streamMonitor.js';
import type { StreamTarget } from '../../src/streams/streamTarget.js';
import { testBase } from '../fixtures/sim/helpers.js';
import { SampleRecorder } from './helpers/events.js';

// The lead's site simulator (fixtures/sim): Hikvision/Axis/LPR-like cameras with live fault switches.
let site: SimSite;
let monitor: StreamMonitor;
let recorder: SampleRecorder;

beforeAll(async () => {
  site = await startSite({
    cameras: [
      { kind: 'overview' },
      { kind: 'panoramic' },
      { kind: 'lpr' },
      { kind: 'overview' },
      { kind: 'lpr' },
    ],
    // A random loopback /16 per run (testBase): other runs on this host bind their own sites too.
    baseAddress: testBase(77),
    rtspPort: 18554,
    onvifPort: 18080,
    discovery: false,
  });
  const events = new EventBus();
  recorder = new SampleRecorder(events);
  const credential = { username: site.username, password: site.password, allowBasic: false };
  const targets: StreamTarget[] = site.cameras.map((c) => ({
    cameraId: c.id,
    url: c.rtspSubUrl,
    credential,
    mode: 'continuous',
    intervalSeconds: 60,
    durationSeconds: 5,
  }));
  monitor = new StreamMonitor(
    { clock: systemClock, net: systemNet, log: silentLog(), events },
    { stallSeconds: 1.5, stepTimeoutMs: 2000, backoff: { initialMs: 200, maxMs: 1000, jitter: 0.5 } },
    targets,
  );
  await monitor.start(new AbortController().signal);
});

afterAll(async () => {
  await monitor?.stop();
  recorder?.close();
  await site?.stop();
});

const cam = (i: number) => {
  const c = site.cameras[i];
  if (!c) throw new Error(`no camera ${i}`);
  return c;
};

describe('StreamMonitor against the site simulator', () => {
  it('reports packets with the sub-stream size of every camera', async () => {
    const sizes: Record<string, [number, number]> = {
      overview: [320, 180],
      panoramic: [240, 240],
      lpr: [320, 180],
    };
    for (const c of site.cameras) {
      const s = await recorder.next((x) => x.cameraId === c.id && x.kind === 'packets', 8000);
      const [width, height] = sizes[c.kind] ?? [0, 0];
      expect(s.stats, c.id).toMatchObject({ codec: 'h264', width, height });
      expect(s.stats?.fps).toBeGreaterThan(1);
    }
  });

  it('freeze → stall within stallSeconds + 1 s', async () => {
    const c = cam(0);
    const mark = recorder.samples.length;
    const at = Date.now();
    c.setFault('freeze', true);
    const stall = await recorder.next((x) => x.cameraId === c.id && x.kind === 'stall', 5000, mark);
    expect(stall.at - at).toBeLessThan(2500);
    c.setFault('freeze', false);
    await recorder.next((x) => x.cameraId === c.id && x.kind === 'packets', 8000, recorder.samples.length);
  });

  it('stop → closed then unreachable; back → packets again', async () => {
    const c = cam(1);
    const mark = recorder.samples.length;
    c.setFault('stop', true);
    await recorder.next(
      (x) => x.cameraId === c.id && (x.kind === 'closed' || x.kind === 'unreachable'),
      5000,
      mark,
    );
    await recorder.next((x) => x.cameraId === c.id && x.kind === 'unreachable', 5000, mark);
    c.setFault('stop', false);
    await recorder.next((x) => x.cameraId === c.id && x.kind === 'packets', 10_000, recorder.samples.length);
  });

  it('wrongPassword → unauthorized on the next session', async () => {
    const c = cam(2);
    c.setFault('wrongPassword', true);
    c.setFault('freeze', true); // end the current session so a new one authenticates
    const mark = recorder.samples.length;
    await recorder.next((x) => x.cameraId === c.id && x.kind === 'unauthorized', 8000, mark);
    c.setFault('freeze', false);
    c.setFault('wrongPassword', false);
  });

  it('garbage and slowDrip are bounded: probe names the layer', async () => {
    const garbage = cam(3);
    garbage.setFault('garbage', true);
    const credential = { username: site.username, password: site.password, allowBasic: false };
    const deps = { clock: systemClock, net: systemNet, log: silentLog() };
    const g = await probeStream(deps, { url: garbage.rtspSubUrl, credential, stepTimeoutMs: 2000 });
    expect(g).toMatchObject({ ok: false, failedLayer: 'options', reason: 'protocol' });
    garbage.setFault('garbage', false);
    const drip = cam(4);
    drip.setFault('slowDrip', true);
    const started = Date.now();
    const d = await probeStream(deps, { url: drip.rtspSubUrl, credential, stepTimeoutMs: 1500 });
    expect(d).toMatchObject({ ok: false, failedLayer: 'options', reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(4000);
    drip.setFault('slowDrip', false);
  });

  it('a healthy simulator camera passes every probe layer', async () => {
    const credential = { username: site.username, password: site.password, allowBasic: false };
    const r = await probeStream(
      { clock: systemClock, net: systemNet, log: silentLog() },
      { url: cam(0).rtspMainUrl, credential },
    );
    expect(r.ok).toBe(true);
    expect(r.stream).toMatchObject({ codec: 'h264', width: 640, height: 360 });
  });
});
