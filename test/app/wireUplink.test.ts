import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/app/daemon.js';
import { wireHealth } from '../../src/app/wireHealth.js';
import { createWireUplink } from '../../src/app/wireUplink.js';
import { configSchema } from '../../src/config/schema.js';
import type { CamgateEvents } from '../../src/shared/events.js';
import { cameraStatePayload, eventPayload, summaryPayload } from '../../src/uplink/payloads.js';
import { useTempDir } from '../helpers/tempDir.js';
import { startTestDaemon } from '../helpers/testDaemon.js';
import type { Centre } from '../uplink/helpers/centre.js';
import { captureLog } from '../uplink/helpers/gateway.js';
import { useBroker, useCentre } from '../uplink/helpers/rig.js';

async function startDaemon(mqtt: Record<string, unknown>): Promise<Daemon> {
  const dir = useTempDir('camgate-wire-');
  const config = configSchema.parse({
    site: { id: 'korosten-01', planned: { overview: 12, panoramic: 2, lpr: 10 } },
    gateway: { id: 'nvr-01' },
    storage: { path: dir },
    control: { socket: path.join(dir, 'control.sock') },
    cameras: [
      { id: 'yard-1', rtsp: 'rtsp://10.0.0.41:554/stream1', class: 'overview' },
      { id: 'gate-lpr-1', rtsp: 'rtsp://10.0.0.42:554/stream1', class: 'lpr' },
    ],
    // Samples below drive health; no tick may stall the camera meanwhile, and recovery is at once.
    health: { stallSeconds: 120, hysteresisSeconds: 0 },
    mqtt,
  });
  return await startTestDaemon({
    config,
    log: captureLog().log,
    wirings: [wireHealth, createWireUplink({ tuning: { willDelaySeconds: 0 } })],
  });
}

/** What the streams module reports; health turns it into the camera's state. */
function sample(d: Daemon, cameraId: string, kind: 'packets' | 'stall'): void {
  d.context?.bus.emit('stream.sample', { cameraId, kind, at: Date.now() });
}

function lastState(c: Centre, cameraId: string) {
  const m = c.on(`/cameras/${cameraId}/state`).at(-1);
  return m ? cameraStatePayload.parse(m.json) : undefined;
}

describe('wireUplink in the daemon', () => {
  it('projects board rows, computes integration, turns bus events into outbox events', async () => {
    const broker = await useBroker();
    const centre = await useCentre(broker.url);
    const daemon = await startDaemon({ url: broker.url });
    const ctx = daemon.context;
    if (!ctx) throw new Error('no context');
    const c = centre;
    await c.waitFor(() => lastState(c, 'yard-1') !== undefined, 'initial state');
    expect(lastState(c, 'yard-1')).toMatchObject({
      status: 'unknown',
      integrated: false,
      cause: 'not_yet_seen',
    });

    const integration: Array<CamgateEvents['integration.changed']> = [];
    ctx.bus.on('integration.changed', (e) => integration.push(e));
    const at = Date.parse('2026-11-20T10:00:00Z');
    sample(daemon, 'yard-1', 'packets');
    await c.waitFor(() => lastState(c, 'yard-1')?.integrated === true, 'yard-1 integrated');
    expect(integration).toContainEqual(expect.objectContaining({ cameraId: 'yard-1', integrated: true }));
    const summary = summaryPayload.parse(c.on('/summary').at(-1)?.json);
    expect(summary).toMatchObject({
      camerasTotal: 2,
      camerasIntegrated: 1,
      byClass: { lpr: { total: 1, integrated: 0, planned: 10, missing: 9 } },
    });

    sample(daemon, 'yard-1', 'stall');
    ctx.bus.emit('camera.clockDrift', { cameraId: 'gate-lpr-1', offsetMs: 93_000, at: at + 2000 });
    ctx.bus.emit('recording.status', { cameraId: 'gate-lpr-1', status: 'stale', at: at + 3000 });
    await c.waitFor(() => c.events().length >= 3, 'three events');
    expect(c.events().map((e) => e.type)).toEqual(['outage.start', 'clock.drift', 'recording.stale']);
    expect(lastState(c, 'yard-1')).toMatchObject({ integrated: false, cause: 'stream_stalled' });

    sample(daemon, 'yard-1', 'packets');
    ctx.board.removeCamera('gate-lpr-1');
    ctx.bus.emit('inventory.changed', {
      type: 'camera.removed',
      camera: {
        id: 'gate-lpr-1',
        address: '10.0.0.42',
        source: 'static',
        class: 'lpr',
        ptz: false,
        classConfidence: 1,
        classEvidence: [],
        profiles: [],
        firstSeenAt: '2026-11-01T00:00:00.000Z',
        lastSeenAt: '2026-11-20T09:00:00.000Z',
      },
      at: at + 5000,
    });
    await c.waitFor(() => c.events().length >= 5, 'five events');
    expect(
      c
        .events()
        .map((e) => e.type)
        .slice(3),
    ).toEqual(['outage.end', 'camera.removed']);
    expect(c.events().map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    await c.waitFor(() => c.on('/cameras/gate-lpr-1/state').at(-1)?.text === '', 'retained state cleared');

    const sections = ctx.board.sectionsSnapshot() as { uplink?: Record<string, unknown> };
    expect(sections.uplink).toMatchObject({ state: 'connected', outboxDepth: 0 });
  });

  it('with a centre handshake, cameras count as integrated only while the centre says online', async () => {
    const broker = await useBroker();
    const centre = await useCentre(broker.url);
    const daemon = await startDaemon({ url: broker.url, centreStateTopic: 'camgate/v1/centre/state' });
    const ctx = daemon.context;
    if (!ctx) throw new Error('no context');
    const c = centre;
    sample(daemon, 'yard-1', 'packets');
    await c.waitFor(() => lastState(c, 'yard-1')?.status === 'online', 'online state');
    expect(lastState(c, 'yard-1')).toMatchObject({ integrated: false, cause: 'uplink_down' });
    await c.publish('camgate/v1/centre/state', JSON.stringify({ state: 'online' }), { qos: 1, retain: true });
    await c.waitFor(() => lastState(c, 'yard-1')?.integrated === true, 'integrated after the handshake');
    await c.publish('camgate/v1/centre/state', JSON.stringify({ state: 'offline' }), {
      qos: 1,
      retain: true,
    });
    await c.waitFor(
      () => lastState(c, 'yard-1')?.integrated === false,
      'not integrated when the centre is offline',
    );
  });

  it("health's clock jump reaches the centre as a clock.jump event with jumpMs", async () => {
    const broker = await useBroker();
    const centre = await useCentre(broker.url);
    const daemon = await startDaemon({ url: broker.url });
    const ctx = daemon.context;
    if (!ctx) throw new Error('no context');
    const c = centre;
    const at = Date.parse('2026-11-20T08:00:01.500Z');
    ctx.bus.emit('health.clockJump', { jumpMs: -7_200_000, at });
    await c.waitFor(() => c.events().some((e) => e.type === 'clock.jump'), 'clock.jump event');
    const event = eventPayload.parse(c.events().find((e) => e.type === 'clock.jump'));
    expect(event).toMatchObject({
      type: 'clock.jump',
      cameraId: null,
      jumpMs: -7_200_000,
      ts: '2026-11-20T08:00:01.500Z',
    });
  });

  it('a clean stop publishes offline on the status topic', async () => {
    const broker = await useBroker();
    const centre = await useCentre(broker.url);
    const daemon = await startDaemon({ url: broker.url });
    const c = centre;
    await c.waitFor(() => c.on('/status').length >= 1, 'birth');
    await daemon.stop();
    await c.waitFor(
      () => c.on('/status').some((m) => (m.json as { state: string }).state === 'offline'),
      'offline',
    );
  });
});
