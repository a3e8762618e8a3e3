import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CamgateEvents } from '../../../src/shared/events.js';
import { silentLog } from '../../../src/shared/log.js';
import { parseStorageAlarms } from '../../../src/streams/recording/storageAlarms.js';
import { StorageGuard } from '../../../src/streams/recording/storageGuard.js';
import { FakeClock } from '../../helpers/fakeClock.js';

const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);
const EARLIER = '2026-11-19T22:00:00.000Z';
let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('StorageGuard across a restart (carried alarms)', () => {
  it('keeps carried alarms that still hold without a new raise, and clears those that ended while it was down', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-guard-'));
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
      { clock: new FakeClock({ wall: T0 }), log: silentLog(), onAlarm: (c) => changes.push(c) },
    );
    // Until the first check, the carried alarms are what is known.
    expect(guard.report().alarms.map((a) => a.code)).toEqual([
      'db_shares_filesystem',
      'disk_full',
      'retention_short',
    ]);
    await guard.checkSharedFilesystem();
    expect(changes).toEqual([]);
    await guard.run([]);
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

describe('parseStorageAlarms', () => {
  it('reads what report().alarms wrote and drops anything malformed', () => {
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
    expect(parseStorageAlarms(json)).toEqual([
      good,
      { code: 'retention_short', cameraId: 'cam-1', message: 'short', since: EARLIER },
    ]);
    expect(parseStorageAlarms(undefined)).toEqual([]);
    expect(parseStorageAlarms('{not json')).toEqual([]);
    expect(parseStorageAlarms('{"code":"disk_low"}')).toEqual([]);
  });
});
