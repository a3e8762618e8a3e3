import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/shared/clock.js';
import { EventBus } from '../../src/shared/events.js';
import { silentLog } from '../../src/shared/log.js';
import { systemNet } from '../../src/shared/net.js';
import { StreamMonitor, type StreamMonitorOptions } from '../../src/streams/streamMonitor.js';
import type { StreamTarget } from '../../src/streams/streamTarget.js';
import { deferCleanup } from '../helpers/testCleanup.js';
import { type Sample, SampleRecorder } from './helpers/events.js';
import { GstServer } from './helpers/gstServer.js';
import { closedPort, HostileServer } from './helpers/hostileServer.js';

/** This test's GStreamer servers: a recorder's waits fail at once, with its stderr, if one dies. */
const servers: GstServer[] = [];
afterEach(async () => {
  servers.length = 0;
});

function target(cameraId: string, url: string, extra: Partial<StreamTarget> = {}): StreamTarget {
  return { cameraId, url, mode: 'continuous', intervalSeconds: 60, durationSeconds: 5, ...extra };
}

async function monitor(targets: StreamTarget[], options: Partial<StreamMonitorOptions> = {}) {
  const events = new EventBus();
  const recorder = new SampleRecorder(events);
  for (const server of servers) recorder.failOn(server.died);
  const m = new StreamMonitor(
    { clock: systemClock, net: systemNet, log: silentLog(), events },
    {
      stallSeconds: 1.5,
      stepTimeoutMs: 3000,
      backoff: { initialMs: 100, maxMs: 500, jitter: 0.5 },
      ...options,
    },
    targets,
  );
  const ac = new AbortController();
  await m.start(ac.signal);
  deferCleanup(() => m.stop());
  deferCleanup(() => recorder.close());
  return { m, recorder };
}

async function gst(options: Parameters<typeof GstServer.start>[0] = {}): Promise<GstServer> {
  const server = await GstServer.start(options);
  servers.push(server);
  deferCleanup(() => server.close());
  return server;
}

describe('StreamMonitor against GStreamer rtsp-server', () => {
  it('emits connected, then packets with codec, size and fps about once a second', async () => {
    const server = await gst({ width: 320, height: 240, fps: 15 });
    const { recorder } = await monitor([target('cam-1', server.url)]);
    const connected = await recorder.next((s) => s.kind === 'connected', 5000);
    expect(connected).toMatchObject({ cameraId: 'cam-1', stats: { codec: 'h264', width: 320, height: 240 } });
    await recorder.next((s) => s.kind === 'packets', 3000);
    const packets = await recorder.next((s) => s.kind === 'packets', 3000, recorder.samples.length);
    expect(packets.stats).toMatchObject({ codec: 'h264', width: 320, height: 240, lossPct: 0 });
    expect(packets.stats?.fps).toBeGreaterThan(12);
    expect(packets.stats?.fps).toBeLessThan(18);
    expect(packets.stats?.bitrateKbps).toBeGreaterThan(1);
  });

  it('emits stall within stallSeconds + 1 s of a freeze, then reconnects after a thaw', async () => {
    const server = await gst();
    const { recorder } = await monitor([target('cam-1', server.url)]);
    await recorder.next((s) => s.kind === 'packets', 5000);
    const frozenAt = Date.now();
    await server.freeze();
    const stall = await recorder.next((s) => s.kind === 'stall', 5000);
    expect(stall.at - frozenAt).toBeLessThan(1500 + 1000);
    await server.thaw();
    const mark = recorder.samples.length;
    await recorder.next((s) => s.kind === 'connected', 5000, mark);
    await recorder.next((s) => s.kind === 'packets', 5000, mark);
  });

  it('emits closed when the server dies, then unreachable while it stays down', async () => {
    const server = await gst();
    const { recorder } = await monitor([target('cam-1', server.url)]);
    await recorder.next((s) => s.kind === 'packets', 5000);
    await server.kill();
    const closed = await recorder.next((s) => s.kind === 'closed', 3000);
    expect(closed.detail).toMatch(/^eof/);
    await recorder.next((s) => s.kind === 'unreachable', 3000);
  });

  it('emits unauthorized for a wrong password', async () => {
    const server = await gst({ user: 'viewer', password: 'right-one' });
    const { recorder } = await monitor([
      target('cam-bad', server.url, {
        credential: { username: 'viewer', password: 'nope', allowBasic: false },
      }),
      target('cam-good', server.url, {
        credential: { username: 'viewer', password: 'right-one', allowBasic: false },
      }),
    ]);
    await recorder.next((s) => s.cameraId === 'cam-bad' && s.kind === 'unauthorized', 5000);
    await recorder.next((s) => s.cameraId === 'cam-good' && s.kind === 'packets', 5000);
    expect(recorder.samples.some((s) => s.cameraId === 'cam-good' && s.kind === 'unauthorized')).toBe(false);
  });

  it('watches many cameras in one process from one server', async () => {
    const server = await gst();
    const targets = Array.from({ length: 16 }, (_, i) => target(`cam-${i}`, server.url));
    const { recorder } = await monitor(targets);
    for (const t of targets)
      await recorder.next((s) => s.cameraId === t.cameraId && s.kind === 'packets', 8000);
  });

  it('setTargets removes, adds and restarts supervisors', async () => {
    const server = await gst();
    const { m, recorder } = await monitor([target('a', server.url), target('b', server.url)]);
    await recorder.next((s) => s.cameraId === 'b' && s.kind === 'connected', 5000);
    await m.setTargets([target('a', server.url), target('c', server.url)]);
    expect(Object.keys(m.phases()).sort()).toEqual(['a', 'c']);
    const mark = recorder.samples.length;
    await recorder.next((s) => s.cameraId === 'c' && s.kind === 'connected', 5000, mark);
    await new Promise((r) => setTimeout(r, 1500));
    expect(recorder.samples.slice(mark).some((s) => s.cameraId === 'b')).toBe(false);
  });

  it('sampled mode watches for durationSeconds then disconnects, reporting a pause, not a failure', async () => {
    const server = await gst();
    const { m, recorder } = await monitor([
      target('s', server.url, { mode: 'sampled', durationSeconds: 1, intervalSeconds: 60 }),
    ]);
    await recorder.next((s) => s.kind === 'connected', 5000);
    await recorder.next((s) => s.kind === 'paused', 5000);
    expect(m.phases()['s']).toBe('idle');
    // A short window after the pause: a teardown reported as a failure would show up here.
    await new Promise((r) => setTimeout(r, 500));
    const others = recorder.samples.filter((s) => s.kind !== 'connected' && s.kind !== 'packets');
    expect(others.map((s) => s.kind)).toEqual(['paused']);
  });
});

describe('StreamMonitor supervision', () => {
  it('backs off, then stops retrying quickly once the crash-loop limit is hit', async () => {
    // A camera that takes the connection and hangs up at once: the crash loop's case.
    const hostile = await HostileServer.start('hangUp');
    deferCleanup(() => hostile.close());
    const { recorder } = await monitor([target('flaky', hostile.url)], {
      backoff: { initialMs: 20, maxMs: 50, jitter: 0 },
      crashLoop: { limit: 3, stableMs: 10_000, pauseMs: 60_000 },
    });
    const closed = (s: Sample) => s.kind === 'closed';
    await recorder.nth(closed, 3, 5000);
    // The limit is reached: no fourth attempt within the next second (the pause is 60 s).
    await new Promise((r) => setTimeout(r, 1000));
    expect(recorder.samples.filter(closed)).toHaveLength(3);
  });

  it('keeps retrying at the backoff a camera that never takes the connection (no crash-loop pause)', async () => {
    const url = `rtsp://127.0.0.1:${await closedPort()}/x`;
    const { recorder } = await monitor([target('down', url)], {
      backoff: { initialMs: 20, maxMs: 50, jitter: 0 },
      crashLoop: { limit: 3, stableMs: 10_000, pauseMs: 60_000 },
    });
    const first = await recorder.next((s) => s.kind === 'unreachable', 2000);
    expect(first.detail).toMatch(/ECONNREFUSED/);
    // Past the limit of 3, still retried: its return must not wait for a 60 s pause.
    await recorder.nth((s) => s.kind === 'unreachable', 6, 5000);
  });

  it('keeps supervising when a stream.sample subscriber throws', async () => {
    const url = `rtsp://127.0.0.1:${await closedPort()}/x`;
    const events = new EventBus();
    const recorder = new SampleRecorder(events);
    deferCleanup(() => recorder.close());
    events.on('stream.sample', () => {
      throw new Error('subscriber bug');
    });
    const m = new StreamMonitor(
      { clock: systemClock, net: systemNet, log: silentLog(), events },
      { stallSeconds: 1.5, backoff: { initialMs: 20, maxMs: 50, jitter: 0 } },
      [target('down', url)],
    );
    await m.start(new AbortController().signal);
    deferCleanup(() => m.stop());
    await recorder.next((s) => s.kind === 'unreachable', 2000);
    await recorder.next((s) => s.kind === 'unreachable', 2000, recorder.samples.length);
  });
});
