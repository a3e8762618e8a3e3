import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Daemon } from '../../src/app/daemon.js';
import { wireHealth } from '../../src/app/wireHealth.js';
import { createWireUplink } from '../../src/app/wireUplink.js';
import { type Config, configSchema } from '../../src/config/schema.js';
import { HistoryRepo } from '../../src/store/historyRepo.js';
import { eventPayload } from '../../src/uplink/payloads.js';
import { Centre, dedupe } from '../uplink/helpers/centre.js';
import { cleanupAll } from '../uplink/helpers/cleanup.js';
import { captureLog } from '../uplink/helpers/gateway.js';
import { Broker } from '../uplink/helpers/mosquitto.js';

/**
 * Issue #12 item 3, against a real Mosquitto that is stopped for a while: the gateway is the only
 * witness of its own uplink's downtime, so it must record it (start, end, cause), keep it across a
 * restart, and tell the centre once the link is back.
 */
let broker: Broker | undefined;
let centre: Centre | undefined;
let daemons: Daemon[] = [];
let dir: string | undefined;

afterEach(async () => {
  const [ds, c, b, tmp] = [daemons, centre, broker, dir];
  daemons = [];
  centre = undefined;
  broker = undefined;
  dir = undefined;
  await cleanupAll([
    () => b?.dispose(),
    ...ds.map((d) => () => d.stop()),
    () => c?.close(),
    () => tmp && fs.rmSync(tmp, { recursive: true, force: true }),
  ]);
});

function siteConfig(url: string, centreStateTopic?: string): Config {
  dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-uplink-outage-'));
  return configSchema.parse({
    site: { id: 'korosten-01' },
    gateway: { id: 'nvr-01' },
    storage: { path: dir },
    control: { socket: path.join(dir, 'control.sock') },
    cameras: [{ id: 'yard-1', rtsp: 'rtsp://10.0.0.41:554/stream1', class: 'overview' }],
    health: { stallSeconds: 120, hysteresisSeconds: 0 },
    mqtt: { url, ...(centreStateTopic ? { centreStateTopic } : {}) },
  });
}

async function startDaemon(config: Config, centreGraceMs?: number): Promise<Daemon> {
  const d = new Daemon({
    config,
    log: captureLog().log,
    wirings: [wireHealth, createWireUplink({ tuning: { willDelaySeconds: 0 }, centreGraceMs })],
  });
  daemons.push(d);
  await d.start();
  return d;
}

function uplinkState(d: Daemon): string | undefined {
  const section = d.context?.board.sectionsSnapshot().uplink as { state?: string } | undefined;
  return section?.state;
}

function uplinkOutages(d: Daemon) {
  const db = d.context?.store.db;
  if (!db) throw new Error('no store');
  return new HistoryRepo(db).outages({ kind: 'uplink' });
}

async function until(what: string, ok: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('uplink outages (issue #12 item 3)', () => {
  it('records a broker outage with its start, end and cause, and the centre hears of it after the reconnect', async () => {
    broker = await Broker.start();
    centre = await Centre.connect(broker.url);
    const d = await startDaemon(siteConfig(broker.url));
    await until('connected', () => uplinkState(d) === 'connected');
    expect(uplinkOutages(d)).toEqual([]);

    const beforeStop = Date.now();
    await broker.stop();
    await until('the gateway to notice', () => uplinkState(d) === 'disconnected');
    const noticed = Date.now();
    const open = uplinkOutages(d);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      cameraId: 'nvr-01',
      kind: 'uplink',
      cause: 'broker_unreachable',
      endedAt: null,
    });
    expect(open[0]?.startedMs).toBeGreaterThanOrEqual(beforeStop);
    expect(open[0]?.startedMs).toBeLessThanOrEqual(noticed);
    // `camgate status` shows it while it lasts.
    expect(d.context?.board.sectionsSnapshot().uplink).toMatchObject({
      outage: { cause: 'broker_unreachable', since: open[0]?.startedAt },
    });

    await new Promise((r) => setTimeout(r, 1500));
    const beforeLaunch = Date.now();
    await broker.launch();
    const c = centre;
    await c.waitFor(
      () => c.events().some((e) => e.type === 'uplink.outage'),
      'uplink.outage at the centre',
      30_000,
    );
    const received = Date.now();

    const [row] = uplinkOutages(d);
    expect(d.context?.board.sectionsSnapshot().uplink).toMatchObject({ outage: null });
    expect(row).toMatchObject({ cause: 'broker_unreachable', endReason: 'restored' });
    expect(row?.endedMs).toBeGreaterThanOrEqual(beforeLaunch);
    expect(row?.endedMs).toBeLessThanOrEqual(received);
    // Monotonic duration, down at least the 1.5 s we waited, not longer than stop → event.
    expect(row?.durationMs).toBeGreaterThanOrEqual(1500);
    expect(row?.durationMs).toBeLessThanOrEqual(received - beforeStop);

    const events = dedupe(c.events()).filter((e) => e.type === 'uplink.outage');
    expect(events).toHaveLength(1);
    const event = eventPayload.parse(events[0]);
    expect(event).toMatchObject({
      type: 'uplink.outage',
      cameraId: null,
      historical: true,
      cause: 'broker_unreachable',
      startedAt: row?.startedAt,
      endedAt: row?.endedAt,
      durationMs: row?.durationMs,
      endReason: 'restored',
    });
  });

  it('an outage open when the daemon stops ends at its last sign of life, the new boot opens its own, both reach the centre', async () => {
    broker = await Broker.start();
    centre = await Centre.connect(broker.url);
    const config = siteConfig(broker.url);
    const first = await startDaemon(config);
    await until('connected', () => uplinkState(first) === 'connected');
    await broker.stop();
    await until('first boot disconnected', () => uplinkState(first) === 'disconnected');
    const beforeFirstStop = Date.now();
    await first.stop();
    daemons = [];
    const stoppedAt = Date.now();

    const second = await startDaemon(config);
    await until('second boot sees the broker down', () =>
      uplinkOutages(second).some((o) => o.endedAt === null),
    );
    const rows = uplinkOutages(second);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ endReason: 'gap_reboot', cause: 'broker_unreachable' });
    // The first boot's last sign of life is its clean stop.
    expect(rows[0]?.endedMs).toBeGreaterThanOrEqual(beforeFirstStop);
    expect(rows[0]?.endedMs).toBeLessThanOrEqual(stoppedAt);
    expect(rows[1]).toMatchObject({ endedAt: null, cause: 'broker_unreachable' });

    await broker.launch();
    const c = centre;
    await c.waitFor(
      () => dedupe(c.events()).filter((e) => e.type === 'uplink.outage').length >= 2,
      'both uplink outages at the centre',
      30_000,
    );
    const events = dedupe(c.events())
      .filter((e) => e.type === 'uplink.outage')
      .map((e) => eventPayload.parse(e));
    expect(events.map((e) => e.endReason)).toEqual(['gap_reboot', 'restored']);
    expect(events.every((e) => e.historical)).toBe(true);
    const after = uplinkOutages(second);
    expect(after.every((o) => o.endedAt !== null)).toBe(true);
  });

  it('with the centre handshake configured, a centre that says offline is an uplink outage of cause centre_offline', async () => {
    broker = await Broker.start();
    centre = await Centre.connect(broker.url);
    const c = centre;
    const topic = 'camgate/v1/centre/state';
    await c.publish(topic, JSON.stringify({ state: 'online' }), { qos: 1, retain: true });
    const d = await startDaemon(siteConfig(broker.url, topic));
    await until('connected', () => uplinkState(d) === 'connected');
    await until('centre online', () => d.context?.board.camera('yard-1')?.cause !== 'uplink_down');
    expect(uplinkOutages(d)).toEqual([]);

    const before = Date.now();
    await c.publish(topic, JSON.stringify({ state: 'offline' }), { qos: 1, retain: true });
    await until('outage open', () => uplinkOutages(d).some((o) => o.endedAt === null));
    expect(uplinkOutages(d)[0]).toMatchObject({ cause: 'centre_offline' });
    expect(uplinkOutages(d)[0]?.startedMs).toBeGreaterThanOrEqual(before);
    await c.publish(topic, JSON.stringify({ state: 'online' }), { qos: 1, retain: true });
    await c.waitFor(() => c.events().some((e) => e.type === 'uplink.outage'), 'uplink.outage', 20_000);
    const [event] = dedupe(c.events()).filter((e) => e.type === 'uplink.outage');
    // Sent while connected, still historical: it is news about the past.
    expect(eventPayload.parse(event)).toMatchObject({
      cause: 'centre_offline',
      historical: true,
      endReason: 'restored',
    });
  });

  it('a configured centre that never says online is an outage from the connect on, not after a grace only', async () => {
    broker = await Broker.start();
    centre = await Centre.connect(broker.url);
    const c = centre;
    const topic = 'camgate/v1/centre/silent';
    const beforeStart = Date.now();
    const d = await startDaemon(siteConfig(broker.url, topic), 1000);
    await until('connected', () => uplinkState(d) === 'connected');
    const connected = Date.now();
    await until('outage open', () => uplinkOutages(d).length > 0);
    const [row] = uplinkOutages(d);
    expect(row).toMatchObject({ cause: 'centre_offline', endedAt: null });
    // Dated from the connect (when cameras became uplink_down), not from the end of the grace.
    expect(row?.startedMs).toBeGreaterThanOrEqual(beforeStart);
    expect(row?.startedMs).toBeLessThanOrEqual(connected);
    await c.publish(topic, 'online', { qos: 1, retain: true });
    await until('outage closed', () => uplinkOutages(d)[0]?.endReason === 'restored');
  });
});
