import { afterEach, describe, expect, it } from 'vitest';
import {
  loadStorageAlarms,
  STORAGE_ALARMS_KEY,
  saveStorageAlarmsOnChange,
} from '../../src/app/savedStorageAlarms.js';
import { RecordingService } from '../../src/recording/recordingService.js';
import { EventBus } from '../../src/shared/events.js';
import { silentLog } from '../../src/shared/log.js';
import { Store } from '../../src/store/store.js';
import { storageAlarmEvent } from '../../src/uplink/eventRules.js';
import { FakeClock } from '../helpers/fakeClock.js';
import { until } from '../recording/simHelpers.js';
import { captureLog } from '../uplink/helpers/gateway.js';

let store: Store | undefined;
let service: RecordingService | undefined;
afterEach(async () => {
  await service?.stop();
  service = undefined;
  store?.close();
  store = undefined;
});

describe('saved storage alarms at boot', () => {
  it('field bug: unreadable saved alarms were dropped silently; now the reason is logged', () => {
    store = Store.open({ dir: ':memory:', log: silentLog() });
    store.setKv(STORAGE_ALARMS_KEY, '[{"code":"disk_full","message":"recording disk is full"'); // cut short
    const { log, lines } = captureLog();
    expect(loadStorageAlarms({ store, log })).toEqual([]);
    const warned = lines.map((l) => JSON.parse(l) as { level: number; msg: string; problem?: string });
    expect(warned).toContainEqual(
      expect.objectContaining({
        level: 40,
        msg: 'saved storage alarms unreadable',
        problem: expect.stringMatching(/not JSON/),
      }),
    );
  });

  it('carries what was saved, and logs nothing when all of it reads', () => {
    store = Store.open({ dir: ':memory:', log: silentLog() });
    const alarm = { code: 'disk_low', message: 'low', since: '2026-11-19T22:00:00.000Z' };
    store.setKv(STORAGE_ALARMS_KEY, JSON.stringify([alarm]));
    const { log, lines } = captureLog();
    expect(loadStorageAlarms({ store, log })).toEqual([alarm]);
    expect(lines).toEqual([]);
  });
});

describe('saved storage alarms on a site that no longer records with our ffmpeg', () => {
  it('field bug: an edge-only site kept a carried db_shares_filesystem and disk_low raised at the centre forever', async () => {
    store = Store.open({ dir: ':memory:', log: silentLog() });
    const since = '2026-11-19T22:00:00.000Z';
    store.setKv(
      STORAGE_ALARMS_KEY,
      JSON.stringify([
        { code: 'db_shares_filesystem', message: 'recordings and the database share one filesystem', since },
        { code: 'disk_low', message: 'free space 2% is under the 10% floor', since },
      ]),
    );
    const log = silentLog();
    const bus = new EventBus();
    const sent: ReturnType<typeof storageAlarmEvent>[] = [];
    bus.on('recording.alarm', (change) => sent.push(storageAlarmEvent(change)));
    const clock = FakeClock.at(Date.parse('2026-11-21T01:00:00.000Z'), { manual: true });
    service = new RecordingService(
      [{ cameraId: 'edge-1', source: 'edge', edge: { latestWrite: async () => clock.now() } }],
      {
        dir: '/var/lib/camgate/recordings',
        segmentSeconds: 60,
        retentionDays: 30,
        minFreePercent: 10,
        stallSeconds: 3,
        databaseDir: '/var/lib/camgate',
        carriedAlarms: loadStorageAlarms({ store, log }),
      },
      {
        clock,
        log,
        bus,
        gaps: { open: () => undefined, close: () => undefined },
        // Still shared and still crowded: the alarms end because camgate no longer guards this disk.
        disk: {
          space: async () => ({ totalBytes: 1e12, freeBytes: 2e10 }),
          sameFilesystem: async () => true,
        },
      },
    );
    const running = service;
    saveStorageAlarmsOnChange({ store, log, bus }, () => running.storageReport().alarms);
    await service.start();
    // start() runs the first storage check in the background.
    await until(() => (sent.length >= 2 ? true : undefined), 5000, 'the clears');
    expect(sent.map((e) => [e.type, e.fields?.code, e.fields?.since]).sort()).toEqual([
      ['storage.alarm.cleared', 'db_shares_filesystem', since],
      ['storage.alarm.cleared', 'disk_low', since],
    ]);
    expect(service.storageReport().alarms).toEqual([]);
    expect(store.getKv(STORAGE_ALARMS_KEY)).toBe('[]');
    expect(loadStorageAlarms({ store, log })).toEqual([]);
  });
});
