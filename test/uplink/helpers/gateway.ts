import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { configSchema } from '../../../src/config/schema.js';
import { systemClock } from '../../../src/shared/clock.js';
import { createLog, type Log } from '../../../src/shared/log.js';
import type { CameraStatusRow } from '../../../src/shared/types.js';
import { OutboxRepo } from '../../../src/store/outboxRepo.js';
import { Store } from '../../../src/store/store.js';
import type { MqttConfig } from '../../../src/uplink/clientOptions.js';
import { EventOutbox } from '../../../src/uplink/eventOutbox.js';
import { type UplinkDeps, UplinkService } from '../../../src/uplink/uplinkService.js';

export const SITE = 'korosten-01';
export const GATEWAY = 'nvr-01';

/** Log lines kept for assertions (and for the "never a password" check). */
export function captureLog(): { log: Log; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  return { log: createLog({ level: 'debug' }, sink), lines };
}

export function mqttConfig(patch: Record<string, unknown>): MqttConfig {
  return configSchema.parse({ site: { id: SITE }, gateway: { id: GATEWAY }, mqtt: patch }).mqtt;
}

export function cameraRow(cameraId: string, patch: Partial<CameraStatusRow> = {}): CameraStatusRow {
  return {
    cameraId,
    address: '10.0.0.40',
    manufacturer: 'Hikvision',
    model: 'DS-2CD2143G2-I',
    serial: `SN-${cameraId}`,
    class: 'overview',
    source: 'onvif',
    status: 'online',
    since: '2026-11-20T10:00:00.000Z',
    reasons: [],
    stream: {
      codec: 'H264',
      width: 1920,
      height: 1080,
      fps: 25,
      bitrateKbps: 4096,
      lossPct: 0,
      keyframeIntervalS: 2,
    },
    recording: { status: 'off' },
    integrated: true,
    ...patch,
  };
}

export interface TestGateway {
  readonly uplink: UplinkService;
  readonly store: Store;
  readonly outbox: EventOutbox;
  readonly cameras: Map<string, CameraStatusRow>;
  readonly lines: string[];
  readonly dir: string;
  dispose(): Promise<void>;
}

export function makeGateway(
  mqtt: MqttConfig,
  patch: Partial<UplinkDeps> = {},
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-gw-')),
): TestGateway {
  const { log, lines } = captureLog();
  const store = Store.open({ dir, log });
  const cameras = new Map<string, CameraStatusRow>([['cam-1', cameraRow('cam-1')]]);
  let uplinkRef: UplinkService | undefined;
  const outbox = new EventOutbox({
    repo: new OutboxRepo(store.db, mqtt.outboxMaxBytes),
    log,
    onAppend: () => uplinkRef?.drainer.wake(),
  });
  const uplink = new UplinkService({
    mqtt,
    siteId: SITE,
    gatewayId: GATEWAY,
    bootId: '01JD0000000000000000000000',
    version: '0.1.0-test',
    clock: systemClock,
    log,
    outbox,
    kv: store,
    cameras: () => [...cameras.values()],
    tuning: { willDelaySeconds: 0, replayRatePerSecond: 0 },
    ...patch,
  });
  uplinkRef = uplink;
  return {
    uplink,
    store,
    outbox,
    cameras,
    lines,
    dir,
    async dispose() {
      await uplink.stop();
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
