import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CameraWatch } from '../../src/recording/cameraWatch.js';
import type { DiskProbe } from '../../src/recording/diskSpace.js';
import { parseStorageAlarms } from '../../src/recording/storageAlarms.js';
import { StorageGuard } from '../../src/recording/storageGuard.js';
import type { CamgateEvents } from '../../src/shared/events.js';
import { silentLog } from '../../src/shared/log.js';
import { FakeClock } from '../helpers/fakeClock.js';

const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);
const EARLIER = '2026-11-19T22:00:00.000Z';
let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A camera we record ourselves (storage is guarded only then), with no segments yet. */
function ownWatch(dir: string, clock: FakeClock): CameraWatch {
  return new CameraWatch(
    { cameraId: 'cam-own', source: 'own' },
    { dir, segmentSeconds: 60, sanityEvery: 10, pollMs: 0 },
    { clock, log: silentLog() },
  );
}

describe('StorageGuard across a restart (carried alarms)', () => {
  it('keeps carried alarms that still hold without a new raise, and clears those that ended while it was down', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-guard-'));
    const clock = new FakeClock({ wall: T0 });
    const changes: CamgateEvents['recording.alarm'][] = [];
    const guard = new StorageGuard(
      {
        dir: path.join(dir, 'rec'),
        retentionDays: 30,
        // 1 %: a test disk is not that full, so disk_low and disk_full do not hold here.
        minFreePercent: 1,
        databaseDir: dir,
        carried: [
          { code: 'db_shares_filesystem', message: 'shared', since: EARLIER },
          { code: 'disk_full', message: 'recording disk is full', since: EARLIER },
          { code: 'retention_short', cameraId: 'gone-1', message: 'holds 2 of 30 days', since: EARLIER },
        ],
      },
      { clock, log: silentLog(), onAlarm: (c) => changes.push(c) },
    );
    // Until the first check, the carried alarms are what is known.
    expect(guard.report().alarms.map((a) => a.code)).toEqual([
      'db_shares_filesystem',
      'disk_full',
      'retention_short',
    ]);
    await guard.checkSharedFilesystem();
    expect(changes).toEqual([]);
    await guard.run([ownWatch(path.join(dir, 'rec'), clock)]);
    expect(changes).toEqual([
      {
        code: 'disk_full',
        message: 'recording disk is full',
        raised: false,
        since: Date.parse(EARLIER),
        at: T0,
      },
      {
        code: 'retention_short',
        cameraId: 'gone-1',
        message: 'holds 2 of 30 days',
        raised: false,
        since: Date.parse(EARLIER),
        at: T0,
      },
    ]);
    expect(guard.report().alarms).toEqual([
      { code: 'db_shares_filesystem', message: 'shared', since: EARLIER },
    ]);
  });
});

describe('StorageGuard carried alarms on a site that no longer records with our ffmpeg', () => {
  it('field bug: an edge/external-only site kept db_shares_filesystem and disk alarms raised forever; the first check clears them', async () => {
    const clock = new FakeClock({ wall: T0 });
    const changes: CamgateEvents['recording.alarm'][] = [];
    const carried = [
      // Recorded by our ffmpeg before, now by an external recorder: our floor never deletes its video.
      { code: 'retention_short', cameraId: 'ext-1', message: 'holds 2 of 30 days', since: EARLIER },
      { code: 'db_shares_filesystem', message: 'shared', since: EARLIER },
      { code: 'disk_low', message: 'free space 2% is under the 10% floor', since: EARLIER },
      { code: 'storage_unreadable', message: 'storage check failed: EIO', since: EARLIER },
    ] as const;
    // The disk still looks crowded and shared: nothing here may raise or keep an alarm for it.
    const disk = roomyDisk({
      space: async () => ({ totalBytes: 1e12, freeBytes: 2e10 }),
      sameFilesystem: async () => true,
    });
    const guard = new StorageGuard(
      { dir: '/rec', retentionDays: 30, minFreePercent: 10, databaseDir: '/rec', carried },
      { clock, log: silentLog(), onAlarm: (c) => changes.push(c), disk },
    );
    const external = new CameraWatch(
      { cameraId: 'ext-1', source: 'external', pattern: '/nonexistent/ext-1' },
      { dir: '/rec', segmentSeconds: 60, sanityEvery: 10, pollMs: 0 },
      { clock, log: silentLog() },
    );
    const report = await guard.run([external], false);
    expect(changes).toEqual(
      carried.map((a) => ({
        code: a.code,
        cameraId: 'cameraId' in a ? a.cameraId : undefined,
        message: a.message,
        raised: false,
        since: Date.parse(EARLIER),
        at: T0,
      })),
    );
    expect(report.alarms).toEqual([]);
    expect(report.cameras).toEqual([expect.objectContaining({ cameraId: 'ext-1', compliant: true })]);
    await guard.run([external], false);
    expect(changes).toHaveLength(carried.length);
  });
});

/** A disk with plenty of room (so retention deletes nothing by space) and a separate database disk. */
function roomyDisk(overrides: Partial<DiskProbe> = {}): DiskProbe {
  return {
    space: async () => ({ totalBytes: 1e12, freeBytes: 5e11 }),
    sameFilesystem: async () => false,
    ...overrides,
  };
}

/** Our segment name for a time, as ffmpeg's strftime writes it in UTC. */
function segmentName(ms: number): string {
  return `${new Date(ms).toISOString().replace(/[-:]/g, '').slice(0, 15)}+0000.ts`;
}

describe('StorageGuard carried alarms whose condition lives in memory', () => {
  it('field bug: a restart cleared retention_short for a camera still holding 2 of 30 days', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-guard-'));
    const clock = new FakeClock({ wall: T0 });
    const camDir = path.join(dir, 'cam-1');
    fs.mkdirSync(camDir);
    for (const ageMs of [2 * 86_400_000, 86_400_000, 60_000])
      fs.writeFileSync(path.join(camDir, segmentName(T0 - ageMs)), Buffer.alloc(1000));
    const watch = new CameraWatch(
      { cameraId: 'cam-1', source: 'own' },
      { dir, segmentSeconds: 60, sanityEvery: 10, pollMs: 0 },
      { clock, log: silentLog() },
    );
    await watch.observe(new AbortController().signal);
    const changes: CamgateEvents['recording.alarm'][] = [];
    const carried = {
      code: 'retention_short',
      cameraId: 'cam-1',
      message: 'holds 2 of 30 days',
      since: EARLIER,
    } as const;
    const guard = new StorageGuard(
      { dir, retentionDays: 30, minFreePercent: 10, carried: [carried] },
      { clock, log: silentLog(), onAlarm: (c) => changes.push(c), disk: roomyDisk() },
    );
    const report = await guard.run([watch]);
    expect(changes).toEqual([]);
    expect(report.alarms).toEqual([carried]);
    expect(report.cameras[0]).toMatchObject({ cameraId: 'cam-1', compliant: false });
  });

  it('keeps a carried db_shares_filesystem raised when the filesystems cannot be compared', async () => {
    const changes: CamgateEvents['recording.alarm'][] = [];
    const carried = { code: 'db_shares_filesystem', message: 'shared', since: EARLIER } as const;
    const disk = roomyDisk({ sameFilesystem: () => Promise.reject(new Error('EIO: stat failed')) });
    const clock = new FakeClock({ wall: T0 });
    const guard = new StorageGuard(
      { dir: '/rec', retentionDays: 30, minFreePercent: 10, databaseDir: '/state', carried: [carried] },
      { clock, log: silentLog(), onAlarm: (c) => changes.push(c), disk },
    );
    await guard.checkSharedFilesystem();
    await guard.run([ownWatch('/rec', clock)]);
    expect(changes).toEqual([]);
    expect(guard.report().alarms).toEqual([carried]);
  });
});

describe('StorageGuard disk alarms at the threshold (hysteresis)', () => {
  const TOTAL = 1e9;
  it.each([
    // disk_full below min(1 % of total, 64 MB) = 10 MB; disk_low under the 10 % floor with nothing to delete.
    { code: 'disk_low', under: 0.099 * TOTAL, over: 0.101 * TOTAL },
    { code: 'disk_full', under: 0.0099 * TOTAL, over: 0.0101 * TOTAL },
  ])(
    '$code: a disk wobbling across the threshold raises once, clears after two checks clear of it',
    async ({ code, under, over }) => {
      let free = under;
      const changes: CamgateEvents['recording.alarm'][] = [];
      const clock = new FakeClock({ wall: T0 });
      const watches = [ownWatch('/rec', clock)];
      const guard = new StorageGuard(
        { dir: '/rec', retentionDays: 30, minFreePercent: code === 'disk_low' ? 10 : 1 },
        {
          clock,
          log: silentLog(),
          onAlarm: (c) => changes.push(c),
          disk: roomyDisk({ space: async () => ({ totalBytes: TOTAL, freeBytes: free }) }),
        },
      );
      for (const f of [under, over, under, over, under]) {
        free = f;
        await guard.run(watches);
      }
      const ours = () => changes.filter((c) => c.code === code).map((c) => c.raised);
      expect(ours()).toEqual([true]);
      free = 0.5 * TOTAL;
      await guard.run(watches);
      expect(ours()).toEqual([true]);
      await guard.run(watches);
      expect(ours()).toEqual([true, false]);
      expect(guard.report().alarms).toEqual([]);
    },
  );
});

describe('parseStorageAlarms', () => {
  it('reads what report().alarms wrote, leaves out anything malformed and says so', () => {
    const good = { code: 'disk_low', message: 'low', since: EARLIER };
    const json = JSON.stringify([
      good,
      { code: 'retention_short', cameraId: 'cam-1', message: 'short', since: EARLIER },
      { code: 'disk_exploded', message: 'x', since: EARLIER },
      { code: 'disk_full', message: 7, since: EARLIER },
      { code: 'disk_full', message: 'x', since: 'yesterday' },
      { code: 'disk_full', cameraId: 3, message: 'x', since: EARLIER },
      null,
    ]);
    expect(parseStorageAlarms(json)).toEqual({
      alarms: [good, { code: 'retention_short', cameraId: 'cam-1', message: 'short', since: EARLIER }],
      problem: '5 saved storage alarm(s) malformed and left out',
    });
    expect(parseStorageAlarms(JSON.stringify([good]))).toEqual({ alarms: [good] });
    expect(parseStorageAlarms(undefined)).toEqual({ alarms: [] });
  });

  it.each([
    ['{not json', /not JSON/],
    ['{"code":"disk_low"}', /not a list/],
  ])('unreadable saved alarms %s: none carried, and the reason returned', (json, reason) => {
    const saved = parseStorageAlarms(json);
    expect(saved.alarms).toEqual([]);
    expect(saved.problem).toMatch(reason);
  });
});
