/**
 * Uplink benchmarks (run: `npx tsx bench/uplink.ts [backlogEvents]`):
 *  1. outbox append rate (one transaction per event, synchronous=FULL, WAL, file database);
 *  2. drain of a large backlog to a local Mosquitto at QoS 1 with the shipping tuning, and the
 *     latency of live camera-state publishes made during that drain;
 *  3. a simulated 7-day outage of 64 flapping cameras against the default byte cap.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectAsync } from 'mqtt';
import { systemClock } from '../src/shared/clock.js';
import { silentLog } from '../src/shared/log.js';
import { type AppendInput, OutboxRepo } from '../src/store/outboxRepo.js';
import { Store } from '../src/store/store.js';
import { EventOutbox } from '../src/uplink/eventOutbox.js';
import { UplinkService } from '../src/uplink/uplinkService.js';
import { cameraRow, mqttConfig } from '../test/uplink/helpers/gateway.js';
import { Broker } from '../test/uplink/helpers/mosquitto.js';

const clock = systemClock;
const log = silentLog();
const BASE = Date.parse('2026-11-14T00:00:00Z');

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-bench-'));
}

function event(i: number): AppendInput {
  return {
    type: i % 2 === 0 ? 'outage.start' : 'outage.end',
    cameraId: `cam-${i % 64}`,
    body: {
      kind: 'stream',
      from: 'online',
      to: 'offline',
      reasons: ['stall: no packets for 3s'],
      ts: new Date(BASE + i).toISOString(),
    },
    at: BASE + i,
  };
}

function appendRate(): void {
  const dir = tmp();
  const store = Store.open({ dir, log });
  const repo = new OutboxRepo(store.db, 256_000_000);
  const n = 20_000;
  let t = clock.monotonic();
  for (let i = 0; i < n; i += 1) repo.append(event(i));
  const single = n / ((clock.monotonic() - t) / 1000);
  t = clock.monotonic();
  const batch: AppendInput[] = [];
  for (let i = 0; i < 200_000; i += 1) batch.push(event(i));
  repo.appendMany(batch);
  const many = 200_000 / ((clock.monotonic() - t) / 1000);
  console.log(
    `append: ${Math.round(single)} events/s one transaction each (durable), ${Math.round(many)} events/s batched`,
  );
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

async function drain(count: number, rate?: number): Promise<void> {
  const broker = await Broker.start({ persistence: false });
  const dir = tmp();
  const store = Store.open({ dir, log });
  const mqtt = mqttConfig({ url: broker.url, outboxMaxBytes: 2_000_000_000 });
  let uplink: UplinkService | undefined;
  const outbox = new EventOutbox({
    repo: new OutboxRepo(store.db, mqtt.outboxMaxBytes),
    log,
    onAppend: () => uplink?.drainer.wake(),
  });
  for (let i = 0; i < count; i += 10_000) {
    outbox.repo.appendMany(Array.from({ length: Math.min(10_000, count - i) }, (_, k) => event(i + k)));
  }
  console.log(
    `backlog: ${outbox.repo.depth} events, ${(outbox.repo.bytes / 1e6).toFixed(0)} MB in the outbox`,
  );
  const rows = [cameraRow('cam-live')];
  uplink = new UplinkService({
    mqtt,
    siteId: 'bench',
    gatewayId: 'nvr-01',
    bootId: 'bench',
    version: 'bench',
    clock,
    log,
    outbox,
    kv: store,
    cameras: () => rows,
    tuning: rate === undefined ? {} : { replayRatePerSecond: rate },
  });
  const watcher = await connectAsync(broker.url, { clientId: 'bench-watcher', protocolVersion: 5 });
  const latencies: number[] = [];
  watcher.on('message', (_t, payload) => {
    const sentAt = Number((JSON.parse(payload.toString()) as { reasons: string[] }).reasons[0]);
    if (sentAt > 0) latencies.push(clock.monotonic() - sentAt);
  });
  await watcher.subscribeAsync('camgate/v1/bench/nvr-01/cameras/+/state', { qos: 1 });
  const t0 = clock.monotonic();
  await uplink.start(new AbortController().signal);
  const probe = clock.setInterval(() => {
    rows[0] = cameraRow('cam-live', { reasons: [String(clock.monotonic())] });
    uplink?.publishCamera('cam-live');
  }, 250);
  while (outbox.repo.depth > 0) await clock.sleep(100);
  const secs = (clock.monotonic() - t0) / 1000;
  probe.cancel();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    (latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? Number.NaN).toFixed(1);
  console.log(
    `connack receiveMaximum=${String(uplink.drainer.stats().window)}; replay rate limit ${rate ?? 'default'}`,
  );
  console.log(
    `drain: ${count} events in ${secs.toFixed(1)} s = ${Math.round(count / secs)} events/s acknowledged (QoS 1)`,
  );
  console.log(
    `live state latency during the drain: n=${latencies.length} p50=${pct(0.5)} ms p99=${pct(0.99)} ms max=${pct(1)} ms`,
  );
  await watcher.endAsync(true);
  await uplink.stop();
  store.close();
  await broker.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
}

/** 64 cameras flapping at random (mean interval `meanFlapS`) for 7 days, uplink down throughout. */
function outage(meanFlapS: number, capBytes: number): void {
  const store = Store.open({ dir: ':memory:', log });
  const outbox = new EventOutbox({
    repo: new OutboxRepo(store.db, capBytes),
    log,
    onAppend: () => undefined,
  });
  const end = BASE + 7 * 86_400_000;
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const next: number[] = Array.from({ length: 64 }, () => BASE + random() * meanFlapS * 2000);
  const down: boolean[] = Array.from({ length: 64 }, () => false);
  let events = 0;
  let peak = 0;
  for (;;) {
    let cam = 0;
    for (let i = 1; i < 64; i += 1) if ((next[i] ?? end) < (next[cam] ?? end)) cam = i;
    const at = next[cam] ?? end;
    if (at >= end) break;
    down[cam] = !down[cam];
    outbox.record({
      type: down[cam] ? 'outage.start' : 'outage.end',
      cameraId: `cam-${cam}`,
      fields: {
        kind: 'stream',
        from: down[cam] ? 'online' : 'offline',
        to: down[cam] ? 'offline' : 'online',
        reasons: ['stall: no packets for 3s'],
      },
      at,
    });
    if (events % 97 === 0)
      outbox.record({
        type: 'clock.drift',
        cameraId: `cam-${cam}`,
        fields: { offsetMs: 1500 },
        priority: 0,
        at,
      });
    events += 1;
    peak = Math.max(peak, outbox.repo.bytes);
    next[cam] = at + random() * meanFlapS * 2000;
  }
  console.log(
    `7-day outage, 64 cameras flapping every ~${meanFlapS} s: ${events} transitions, outbox ${outbox.repo.depth} rows, ` +
      `${(outbox.repo.bytes / 1e6).toFixed(1)} MB (peak ${(peak / 1e6).toFixed(1)} MB) of cap ${(capBytes / 1e6).toFixed(0)} MB, dropped ${outbox.dropped}`,
  );
  store.close();
}

const backlog = Number(process.argv[2] ?? '1000000');
const only = process.argv[3];
if (only === undefined) {
  appendRate();
  outage(600, 256_000_000);
  outage(30, 256_000_000);
}
await drain(backlog, only === 'unlimited' ? 0 : undefined);
