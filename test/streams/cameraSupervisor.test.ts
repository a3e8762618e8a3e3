import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/shared/events.js';
import { silentLog } from '../../src/shared/log.js';
import { systemNet } from '../../src/shared/net.js';
import { StreamMonitor } from '../../src/streams/streamMonitor.js';
import type { StreamTarget } from '../../src/streams/streamTarget.js';
import { FakeClock } from '../helpers/fakeClock.js';
import { deferCleanup } from '../helpers/testCleanup.js';
import { SampleRecorder } from './helpers/events.js';

/** Accepts and immediately hangs up, counting connections: a camera that keeps dropping us. */
async function countingServer(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    connections += 1;
    sockets.add(s);
    s.on('error', () => s.destroy());
    s.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    url: `rtsp://127.0.0.1:${address.port}/x`,
    count: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function target(cameraId: string, url: string): StreamTarget {
  return { cameraId, url, mode: 'continuous', intervalSeconds: 60, durationSeconds: 5 };
}

/** Advances fake time in steps, letting real socket I/O run in between. */
async function run(clock: FakeClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 250) {
    clock.advance(Math.min(250, ms - t));
    await new Promise((r) => setTimeout(r, 15));
  }
}

/** Real time until `pred` holds (socket I/O runs meanwhile), bounded: no fixed sleep to outlast. */
async function settle(what: string, pred: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('CameraSupervisor with a fake clock', () => {
  it('retries on the backoff schedule, and a replaced target stops the old loop (generation)', async () => {
    const a = await countingServer();
    const b = await countingServer();
    deferCleanup(() => a.close());
    deferCleanup(() => b.close());
    const clock = new FakeClock({ wall: 1_700_000_000_000, mono: 0 });
    const events = new EventBus();
    const recorder = new SampleRecorder(events);
    deferCleanup(() => recorder.close());
    const closed = () => recorder.samples.filter((s) => s.kind === 'closed').length;
    const monitor = new StreamMonitor(
      { clock, net: systemNet, log: silentLog(), events },
      { stallSeconds: 2, backoff: { initialMs: 1000, maxMs: 1000, jitter: 0 } },
      [target('cam', a.url)],
    );
    await monitor.start(new AbortController().signal);
    deferCleanup(() => monitor.stop());
    /**
     * One backoff step: the last session's end is reported (so its backoff sleep is armed), 999 ms
     * of fake time and 100 ms of real time bring no connection, the last millisecond brings one.
     */
    const step = async (server: typeof a, n: number): Promise<void> => {
      await run(clock, 999);
      await new Promise((r) => setTimeout(r, 100));
      expect(server.count(), 'no connection before the backoff is up').toBe(n - 1);
      clock.advance(1);
      await settle(`connection ${n}`, () => server.count() === n && closed() === a.count() + b.count());
    };
    await settle('first connection', () => a.count() === 1 && closed() === 1);
    for (let n = 2; n <= 4; n += 1) await step(a, n);

    await monitor.setTargets([target('cam', b.url)]);
    await settle('first connection to the new target', () => b.count() === 1 && closed() === 5);
    for (let n = 2; n <= 4; n += 1) await step(b, n);
    expect(a.count()).toBe(4);
    expect(recorder.samples.every((s) => s.kind === 'closed' && s.detail?.startsWith('eof'))).toBe(true);
  });

  it('stop() ends a loop that is sleeping in backoff', async () => {
    const a = await countingServer();
    deferCleanup(() => a.close());
    const clock = new FakeClock({ wall: 1_700_000_000_000, mono: 0 });
    const monitor = new StreamMonitor(
      { clock, net: systemNet, log: silentLog(), events: new EventBus() },
      { stallSeconds: 2, backoff: { initialMs: 1000, maxMs: 1000, jitter: 0 } },
      [target('cam', a.url)],
    );
    await monitor.start(new AbortController().signal);
    await run(clock, 100);
    await monitor.stop();
    const after = a.count();
    await run(clock, 3000);
    expect(a.count()).toBe(after);
    expect(clock.activeTimers).toBe(0);
  });
});
