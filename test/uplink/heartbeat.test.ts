import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/shared/clock.js';
import { cameraStatePayload, metricsPayload, summaryPayload } from '../../src/uplink/payloads.js';
import { FakeClock } from '../helpers/fakeClock.js';
import type { Centre } from './helpers/centre.js';
import { mqttConfig, type TestGateway } from './helpers/gateway.js';
import type { Broker } from './helpers/mosquitto.js';
import { useBroker, useCentre, useGateway } from './helpers/rig.js';

/**
 * The periodic publishes (heartbeat republish of retained state, metrics) run on the uplink's
 * injected clock: a FakeClock fires them on demand, a real Mosquitto carries them.
 */
const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);

const abort = new AbortController();

async function startGateway(
  broker: Broker,
  patch: Record<string, unknown>,
  clock: FakeClock,
): Promise<TestGateway> {
  // On the FakeClock: useGateway disposes it before the broker (see there, issue #11).
  const g = useGateway(mqttConfig({ url: broker.url, ...patch }), { clock });
  await g.uplink.start(abort.signal);
  return g;
}

/**
 * Everything the gateway published before `marker` has reached `c`: one client's QoS 1 messages
 * arrive in the order they were sent, so once a later event is in, nothing earlier is on its way.
 */
async function flush(g: TestGateway, c: Centre, marker: number): Promise<void> {
  g.uplink.record({ type: 'clock.drift', cameraId: 'cam-1', fields: { offsetMs: marker }, at: T0 });
  await c.waitFor(() => c.events().some((e) => e.offsetMs === marker), `marker event ${marker}`);
}

describe('heartbeat republish (mqtt.heartbeatSeconds)', () => {
  it('republishes every camera state and the summary each heartbeat, and not before', async () => {
    const broker = await useBroker();
    const c = await useCentre(broker.url);
    const clock = new FakeClock({ wall: T0 });
    const g = await startGateway(broker, { heartbeatSeconds: 60, metricsSeconds: 3600 }, clock);
    // The republish after the birth yields through the injected clock first (#14): a 0 ms turn.
    await c.waitFor(() => {
      clock.advance(0);
      return c.on('/cameras/cam-1/state').length >= 1 && c.on('/summary').length >= 1;
    }, 'birth state');
    const states = () => c.on('/cameras/cam-1/state').map((m) => cameraStatePayload.parse(m.json));
    const summaries = () => c.on('/summary').map((m) => summaryPayload.parse(m.json));
    const [stateCount, summaryCount] = [states().length, summaries().length];

    clock.advance(59_000);
    await flush(g, c, 1);
    expect(states()).toHaveLength(stateCount);
    expect(summaries()).toHaveLength(summaryCount);

    clock.advance(1_000);
    const beat = new Date(T0 + 60_000).toISOString();
    await c.waitFor(() => states().some((s) => s.ts === beat), 'state republished at the heartbeat');
    await c.waitFor(() => summaries().some((s) => s.ts === beat), 'summary republished at the heartbeat');
    // Unchanged content: only the time moves.
    expect(states().at(-1)).toMatchObject({ cameraId: 'cam-1', status: 'online', integrated: true });

    clock.advance(60_000);
    const second = new Date(T0 + 120_000).toISOString();
    await c.waitFor(() => states().some((s) => s.ts === second), 'second heartbeat');
    expect(states().filter((s) => s.ts === beat)).toHaveLength(1);
  });
});

describe('metrics (mqtt.metricsSeconds)', () => {
  it('are published each interval, QoS 0, with an MQTT 5 message expiry of twice the interval', async () => {
    const broker = await useBroker();
    const c = await useCentre(broker.url);
    const clock = new FakeClock({ wall: T0 });
    await startGateway(broker, { heartbeatSeconds: 86_400, metricsSeconds: 30 }, clock);
    await c.waitFor(() => c.on('/status').length >= 1, 'birth');
    expect(c.on('/metrics')).toHaveLength(0);
    clock.advance(30_000);
    await c.waitFor(() => c.on('/metrics').length >= 1, 'first metrics');
    const m = c.on('/metrics')[0];
    expect(metricsPayload.parse(m?.json)).toMatchObject({
      gateway: { outboxDepth: 0, outboxDropped: 0 },
      cameras: [{ cameraId: 'cam-1', status: 'online', fps: 25 }],
      ts: new Date(T0 + 30_000).toISOString(),
    });
    // Mosquitto forwards the remaining lifetime: at most 60 s, and not yet counted down by much.
    expect(m?.expirySeconds).toBeGreaterThan(50);
    expect(m?.expirySeconds).toBeLessThanOrEqual(60);
    expect(m?.retain).toBe(false);
  });

  it('a figure older than its expiry is never delivered to a consumer that was offline (stale figures are dropped)', async () => {
    // QoS 0 is queued for offline persistent sessions only with this option; the expiry then decides.
    const broker = await useBroker({ extra: () => ['queue_qos0_messages true'] });
    const url = broker.url;
    const offline = await useCentre(url, 'camgate/v1/+/+/metrics', `centre-offline-${process.pid}`);
    const observer = await useCentre(url, 'camgate/v1/+/+/metrics', `centre-observer-${process.pid}`);
    const clock = new FakeClock({ wall: T0 });
    // metricsSeconds 5: the expiry is 10 s.
    const g = await startGateway(broker, { heartbeatSeconds: 86_400, metricsSeconds: 5 }, clock);
    await offline.waitFor(() => g.uplink.connected, 'gateway connected');
    await offline.close();

    const tsOf = (ms: number) => new Date(ms).toISOString();
    const seen = (c: Centre, ts: string) =>
      c.on('/metrics').some((m) => (m.json as { ts: string }).ts === ts);
    clock.advance(5_000);
    const stale = tsOf(T0 + 5_000);
    await observer.waitFor(() => seen(observer, stale), 'the stale figure reached the broker');
    // Mosquitto keeps time in whole seconds: 12.5 s is past a 10 s expiry whatever the rounding.
    await systemClock.sleep(12_500);
    clock.advance(5_000);
    const fresh = tsOf(T0 + 10_000);
    await observer.waitFor(() => seen(observer, fresh), 'the fresh figure reached the broker');

    const back = await useCentre(url, 'camgate/v1/+/+/metrics', `centre-offline-${process.pid}`);
    await back.waitFor(() => seen(back, fresh), 'the queued fresh figure');
    // Queued messages arrive in order: had the stale one survived, it would have come first.
    expect(seen(back, stale)).toBe(false);
  }, 40_000);
});
