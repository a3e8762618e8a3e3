/**
 * Camera directory bench: `npx tsx --expose-gc bench/directory.ts [--cameras 1024]`.
 * No network: a first sweep's worth of `camera.added` events (N cameras, credentials from a
 * passwordFile, N config entries keyed by MAC) through the real directory, board rows and
 * stream wiring (monitor not started), against the way the inventory copies worked before
 * (every change recomputed every camera's stream target, re-reading its credential). Also
 * config-entry lookups (indexed vs the linear scan discovery used) and heap per camera.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { boardFollowsDirectory } from '../src/app/boardRows.js';
import { openCameraDirectory } from '../src/app/cameraDirectory.js';
import { ControlServer } from '../src/app/control.js';
import type { WiringContext } from '../src/app/modules.js';
import { StatusBoard } from '../src/app/statusBoard.js';
import { targetsFor, wireStreams } from '../src/app/wireStreams.js';
import { configEntryFor } from '../src/config/cameraEntry.js';
import { validateConfig } from '../src/config/load.js';
import type { CameraConfig } from '../src/config/schema.js';
import { systemClock } from '../src/shared/clock.js';
import { EventBus } from '../src/shared/events.js';
import { silentLog } from '../src/shared/log.js';
import { normaliseMac } from '../src/shared/mac.js';
import { systemNet } from '../src/shared/net.js';
import type { CameraRecord } from '../src/shared/types.js';
import { Store } from '../src/store/store.js';

const { values } = parseArgs({ options: { cameras: { type: 'string', default: '1024' } } });
const n = Number(values.cameras);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-bench-dir-'));
const secret = path.join(dir, 'secret');
fs.writeFileSync(secret, 'bench-secret\n');

const mac = (i: number) =>
  `00:1c:27:00:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
const address = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const entries = Array.from({ length: n }, (_, i) => ({
  mac: mac(i).toUpperCase().replace(/:/g, '-'),
  class: 'overview',
}));
const config = validateConfig({
  site: { id: 'bench' },
  gateway: { id: 'gw' },
  storage: { path: dir },
  control: { socket: path.join(dir, 'control.sock') },
  credentials: [{ match: '*', username: 'admin', passwordFile: secret }],
  cameras: entries,
});

function record(i: number): CameraRecord {
  const a = address(i);
  return {
    id: `cam-${mac(i).replace(/:/g, '')}`,
    address: a,
    source: 'onvif',
    manufacturer: 'HIKVISION',
    model: 'DS-2CD2143G2-I',
    serial: `DS-2CD2143G2-I20230101AAWRJ${String(i).padStart(8, '0')}`,
    mac: mac(i),
    class: 'overview',
    ptz: false,
    classConfidence: 0.85,
    classEvidence: ['model: DS-2CD2143G2-I', 'resolution 2688x1520'],
    profiles: [
      { token: 'p0', name: 'main', rtspUrl: `rtsp://${a}:554/Streaming/Channels/101`, role: 'main' },
      { token: 'p1', name: 'sub', rtspUrl: `rtsp://${a}:554/Streaming/Channels/102`, role: 'sub' },
    ],
    firstSeenAt: '2026-05-01T07:00:00.000Z',
    lastSeenAt: '2026-05-01T07:00:00.000Z',
  };
}

function context(): WiringContext {
  const store = Store.open({ dir: ':memory:', log: silentLog() });
  const bus = new EventBus();
  const base = {
    config,
    clock: systemClock,
    log: silentLog(),
    net: systemNet,
    bus,
    store,
    control: new ControlServer({ socketPath: path.join(dir, 'control.sock'), log: silentLog() }),
    board: new StatusBoard(),
    bootId: 'bench',
    version: 'bench',
    startedAt: systemClock.now(),
  };
  const ctx: WiringContext = { ...base, cameras: openCameraDirectory(base) };
  boardFollowsDirectory(ctx);
  return ctx;
}

const ms = (t0: number) => (systemClock.monotonic() - t0).toFixed(0);
const records = Array.from({ length: n }, (_, i) => record(i));

// 1. A first sweep through the directory and the stream wiring.
{
  const ctx = context();
  wireStreams(ctx);
  const t0 = systemClock.monotonic();
  for (const camera of records) ctx.bus.emit('inventory.changed', { type: 'camera.added', camera, at: 0 });
  console.log(`first sweep, ${n} cameras, directory + board + stream targets per change: ${ms(t0)} ms`);
}
{
  // Before: trackCameras' onChange recomputed every target (and read every credential) per change.
  const copy = new Map<string, CameraRecord>();
  const t0 = systemClock.monotonic();
  for (const camera of records) {
    copy.set(camera.id, camera);
    targetsFor(config, copy.values(), silentLog());
  }
  console.log(
    `first sweep, ${n} cameras, every target per change (as before, matcher already indexed): ${ms(t0)} ms`,
  );
}

// 2. Config entry lookups: N cameras against N MAC entries.
{
  const t0 = systemClock.monotonic();
  let found = 0;
  for (const r of records) if (configEntryFor(r, config.cameras)) found++;
  console.log(`configEntryFor, ${n} cameras x ${n} entries, indexed: ${ms(t0)} ms (${found} found)`);
  const linear = (cams: readonly CameraConfig[], m?: string) =>
    cams.find((c) => c.mac !== undefined && normaliseMac(c.mac) === normaliseMac(m));
  const t1 = systemClock.monotonic();
  found = 0;
  for (const r of records) if (linear(config.cameras, r.mac)) found++;
  console.log(`configEntryFor, ${n} cameras x ${n} entries, linear scan: ${ms(t1)} ms (${found} found)`);
}

// 3. Heap: the records alone vs records held by the directory, board rows and stream targets.
const gc = (globalThis as { gc?: () => void }).gc;
if (gc) {
  const heap = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  const h0 = heap();
  const held = Array.from({ length: n }, (_, i) => record(i + n));
  const h1 = heap();
  const ctx = context();
  wireStreams(ctx);
  for (const camera of held) ctx.bus.emit('inventory.changed', { type: 'camera.added', camera, at: 0 });
  const h2 = heap();
  console.log(
    `heap per camera: record ${((h1 - h0) / n / 1024).toFixed(2)} KB; directory + board row + stream target ${((h2 - h1) / n / 1024).toFixed(2)} KB (${ctx.cameras.size} cameras)`,
  );
} else console.log('heap figures need --expose-gc');
fs.rmSync(dir, { recursive: true, force: true });
