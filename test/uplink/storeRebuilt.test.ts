import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_FILE } from '../../src/store/store.js';
import { Centre, dedupe } from './helpers/centre.js';
import { cleanupAll } from './helpers/cleanup.js';
import { makeGateway, mqttConfig, type TestGateway } from './helpers/gateway.js';
import { Broker } from './helpers/mosquitto.js';

let broker: Broker | undefined;
let centre: Centre | undefined;
let gw: TestGateway | undefined;
let dir: string | undefined;

afterEach(async () => {
  const [g, c, b, d] = [gw, centre, broker, dir];
  gw = undefined;
  centre = undefined;
  broker = undefined;
  dir = undefined;
  await cleanupAll([
    () => b?.dispose(),
    () => g?.dispose(),
    () => c?.close(),
    () => d && fs.rmSync(d, { recursive: true, force: true }),
  ]);
});

type Status = { state: string; bdSeq: number };

describe('store.rebuilt reaches the centre', () => {
  it('after a torn database: seq and bdSeq continue above the old ones and store.rebuilt names the range', async () => {
    broker = await Broker.start();
    const c = await Centre.connect(broker.url);
    centre = c;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-rebuilt-'));
    const mqtt = mqttConfig({ url: broker.url, protocolVersion: 5 });
    // First life: 300 events delivered, then 200 more while the broker cannot be reached.
    const first = makeGateway(mqtt, {}, dir);
    await first.uplink.start(new AbortController().signal);
    const at = Date.parse('2026-11-20T10:00:00Z');
    for (let i = 0; i < 300; i += 1) {
      first.uplink.record({
        type: 'outage.start',
        cameraId: `cam-${i}`,
        fields: { pad: 'x'.repeat(200) },
        at,
      });
    }
    await c.waitFor(() => dedupe(c.events()).length >= 300, '300 events');
    const oldBirth = c
      .on('/status')
      .map((m) => m.json as Status)
      .filter((s) => s.state === 'online');
    await first.uplink.stop();
    for (let i = 0; i < 200; i += 1) {
      first.uplink.record({ type: 'outage.end', cameraId: `cam-${i}`, fields: { pad: 'y'.repeat(200) }, at });
    }
    first.store.close();
    // Power cut tears the file: truncated in the middle of a page.
    const file = path.join(dir, DB_FILE);
    fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2 / 4096) * 4096 + 777);

    gw = makeGateway(mqtt, {}, dir);
    expect(gw.store.rebuilt).toBeDefined();
    await gw.uplink.start(new AbortController().signal);
    await c.waitFor(() => c.events().some((e) => e.type === 'store.rebuilt'), 'store.rebuilt');
    const rebuilt = c.events().find((e) => e.type === 'store.rebuilt') as {
      seq: number;
      missingSeqs: { from: number | null; to: number };
      reason: string;
      historical: boolean;
    };
    expect(rebuilt.seq).toBeGreaterThan(500);
    expect(rebuilt.missingSeqs.to).toBeGreaterThanOrEqual(500);
    // The 200 unsent events are within the range the centre is told may be missing.
    if (rebuilt.missingSeqs.from !== null) expect(rebuilt.missingSeqs.from).toBeLessThanOrEqual(301);
    expect(rebuilt.reason).toMatch(/SQLITE_CORRUPT|quick_check/);
    // No (gatewayId, seq) of the new database collides with one the centre already has.
    const seqs = dedupe(c.events()).map((e) => Number(e.seq));
    expect(new Set(seqs).size).toBe(seqs.length);
    const births = c
      .on('/status')
      .map((m) => m.json as Status)
      .filter((s) => s.state === 'online');
    const newest = births[births.length - 1];
    expect(newest?.bdSeq).toBeGreaterThan(Math.max(...oldBirth.map((s) => s.bdSeq)));
  }, 60_000);
});
