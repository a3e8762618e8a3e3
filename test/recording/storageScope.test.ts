import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { DiskProbe } from '../../src/recording/diskSpace.js';
import { RecordingService } from '../../src/recording/recordingService.js';
import { type CamgateEvents, EventBus } from '../../src/shared/events.js';
import { silentLog } from '../../src/shared/log.js';
import { FakeClock } from '../helpers/fakeClock.js';
import { tempDir, until } from './simHelpers.js';

const T0 = Date.UTC(2026, 10, 21, 1, 0, 0);
const dirs: string[] = [];
let service: RecordingService | undefined;
afterEach(async () => {
  await service?.stop();
  service = undefined;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** The database on the recordings' filesystem, and that filesystem 2 % free: every check would alarm. */
const crowdedSharedDisk: DiskProbe = {
  space: async () => ({ totalBytes: 1e12, freeBytes: 2e10 }),
  sameFilesystem: async () => true,
};

describe('storage is guarded only where camgate records', () => {
  it('field bug: an edge/external-only site got db_shares_filesystem and disk alarms; the first own camera brings them', async () => {
    const clock = FakeClock.at(T0, { manual: true });
    const dir = tempDir('camgate-scope-');
    dirs.push(dir);
    const bus = new EventBus();
    const alarms: CamgateEvents['recording.alarm'][] = [];
    bus.on('recording.alarm', (a) => alarms.push(a));
    service = new RecordingService(
      [
        { cameraId: 'edge-1', source: 'edge', edge: { latestWrite: async () => clock.now() } },
        { cameraId: 'ext-1', source: 'external', pattern: dir },
      ],
      {
        dir,
        segmentSeconds: 60,
        retentionDays: 30,
        minFreePercent: 10,
        stallSeconds: 3,
        databaseDir: dir,
      },
      {
        clock,
        log: silentLog(),
        bus,
        gaps: { open: () => undefined, close: () => undefined },
        disk: crowdedSharedDisk,
      },
    );
    await service.start();
    await service.tick();
    await service.runStorage();
    expect(alarms).toEqual([]);
    expect(service.storageReport().alarms).toEqual([]);

    // Our own recorder starts on this disk (no URL here: no ffmpeg, the watch alone).
    await service.addCamera({ cameraId: 'own-1', source: 'own', key: 'own|test' });
    await service.runStorage();
    expect(
      alarms
        .filter((a) => a.raised)
        .map((a) => a.code)
        .sort(),
    ).toEqual(['db_shares_filesystem', 'disk_low']);
  });

  it('a site configured to record with ffmpeg guards its disk from the start, before any camera is found', async () => {
    const dir = tempDir('camgate-scope-');
    dirs.push(dir);
    const bus = new EventBus();
    const alarms: CamgateEvents['recording.alarm'][] = [];
    bus.on('recording.alarm', (a) => alarms.push(a));
    service = new RecordingService(
      [],
      {
        dir,
        segmentSeconds: 60,
        retentionDays: 30,
        minFreePercent: 10,
        stallSeconds: 3,
        databaseDir: dir,
        ownRecording: true,
      },
      {
        clock: FakeClock.at(T0, { manual: true }),
        log: silentLog(),
        bus,
        gaps: { open: () => undefined, close: () => undefined },
        disk: crowdedSharedDisk,
      },
    );
    await service.start();
    // start() runs the first storage check in the background.
    await until(() => (alarms.length >= 2 ? true : undefined), 5000, 'the start-up alarms');
    expect(alarms.map((a) => a.code).sort()).toEqual(['db_shares_filesystem', 'disk_low']);
  });
});
