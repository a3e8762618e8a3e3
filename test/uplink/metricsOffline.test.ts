import { describe, expect, it } from 'vitest';
import { type Clock, systemClock } from '../../src/shared/clock.js';
import { MetricsAggregate } from '../../src/uplink/metricsAggregate.js';
import { eventPayload } from '../../src/uplink/payloads.js';
import { cameraRow, mqttConfig } from './helpers/gateway.js';
import { useBroker, useCentre, useGateway } from './helpers/rig.js';

const T = (hhmm: string): number => Date.parse(`2026-12-05T${hhmm}:00Z`);
const cam = (cameraId: string, fps: number | null, bitrateKbps: number | null, lossPct: number | null) => ({
  cameraId,
  status: 'online' as const,
  fps,
  bitrateKbps,
  lossPct,
});

describe('MetricsAggregate (pure)', () => {
  it('folds samples into per-camera hourly min/avg/max, skips nulls, hands out closed hours only', () => {
    const a = new MetricsAggregate();
    a.add([cam('c1', 25, 4000, 0), cam('c2', null, null, null)], T('10:10'));
    a.add([cam('c1', 20, 3000, 2), cam('c2', 10, 500, 50)], T('10:40'));
    a.add([cam('c1', 24, 3900, 1)], T('11:05'));
    expect(a.take(T('11:10'))).toEqual([
      {
        hour: '2026-12-05T10:00:00.000Z',
        from: '2026-12-05T10:10:00.000Z',
        to: '2026-12-05T10:40:00.000Z',
        cameras: [
          {
            cameraId: 'c1',
            samples: 2,
            fps: { min: 20, avg: 22.5, max: 25 },
            bitrateKbps: { min: 3000, avg: 3500, max: 4000 },
            lossPct: { min: 0, avg: 1, max: 2 },
          },
          {
            cameraId: 'c2',
            samples: 2,
            fps: { min: 10, avg: 10, max: 10 },
            bitrateKbps: { min: 500, avg: 500, max: 500 },
            lossPct: { min: 50, avg: 50, max: 50 },
          },
        ],
      },
    ]);
    expect(a.take(T('11:10'))).toEqual([]);
    expect(a.take(T('11:10'), true).map((h) => h.hour)).toEqual(['2026-12-05T11:00:00.000Z']);
  });
});

describe('metrics while offline (real Mosquitto)', () => {
  // Regression: metrics are QoS 0 and were dropped while the uplink was down.
  it('are kept as metrics.hourly aggregates (priority 0) and replayed after the outage', async () => {
    const broker = await useBroker();
    const c = await useCentre(broker.url);
    let wall = T('10:50');
    const clock: Clock = { ...systemClock, now: () => wall };
    const g = useGateway(mqttConfig({ url: broker.url, protocolVersion: 5 }), { clock });
    await g.uplink.start(new AbortController().signal);
    await c.waitFor(() => c.on('/status').length >= 1, 'birth');
    await broker.stop();
    await c.waitFor(() => !g.uplink.connected, 'the uplink down');
    const sample = (hhmm: string, fps: number): void => {
      wall = T(hhmm);
      g.cameras.set('cam-1', cameraRow('cam-1', { stream: { ...cameraRow('cam-1').stream, fps } }));
      g.uplink.publishMetrics();
    };
    sample('10:51', 25);
    sample('10:55', 15);
    sample('11:20', 5);
    // The 10:00 hour closed while offline: already in the outbox, lowest priority.
    const kept = g.outbox.repo.page(0, 10).filter((r) => r.type === 'metrics.hourly');
    expect(kept.map((r) => r.priority)).toEqual([0]);
    await broker.launch();
    await c.waitFor(
      () => c.events().filter((e) => e.type === 'metrics.hourly').length >= 2,
      'two hourly aggregates',
      30_000,
    );
    const hourly = c.events().filter((e) => e.type === 'metrics.hourly');
    for (const e of hourly) expect(eventPayload.safeParse(e).success).toBe(true);
    expect(hourly.map((e) => [e.hour, e.historical])).toEqual([
      ['2026-12-05T10:00:00.000Z', true],
      ['2026-12-05T11:00:00.000Z', true],
    ]);
    expect(hourly[0]?.cameras).toEqual([
      expect.objectContaining({ cameraId: 'cam-1', samples: 2, fps: { min: 15, avg: 20, max: 25 } }),
    ]);
    expect(hourly[1]?.cameras).toEqual([
      expect.objectContaining({ cameraId: 'cam-1', samples: 1, fps: { min: 5, avg: 5, max: 5 } }),
    ]);
  }, 60_000);
});
