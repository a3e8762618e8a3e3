import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CameraWatch } from '../../src/recording/cameraWatch.js';
import { StorageGuard } from '../../src/recording/storageGuard.js';
import { systemClock } from '../../src/shared/clock.js';
import { silentLog } from '../../src/shared/log.js';
import { tempDir } from './simHelpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const DAY = 86_400_000;

/** Our segment name for a time, as ffmpeg's strftime writes it in UTC. */
function segmentName(ms: number): string {
  return `${new Date(ms).toISOString().replace(/[-:]/g, '').slice(0, 15)}+0000.ts`;
}

function watchFor(root: string, cameraId: string, ages: number[]): CameraWatch {
  const dir = path.join(root, cameraId);
  fs.mkdirSync(dir, { recursive: true });
  for (const age of ages)
    fs.writeFileSync(path.join(dir, segmentName(systemClock.now() - age)), Buffer.alloc(1000));
  return new CameraWatch(
    { cameraId, source: 'own' },
    { dir: root, segmentSeconds: 60, sanityEvery: 10, pollMs: 0 },
    { clock: systemClock, log: silentLog() },
  );
}

describe('StorageGuard on a real directory', () => {
  it('deletes segments older than retentionDays, reports usage and days held per camera', async () => {
    const root = tempDir('camgate-guard-');
    dirs.push(root);
    const a = watchFor(root, 'cam-a', [10 * DAY, 9 * DAY, 8 * DAY, 2 * DAY, 60_000]);
    const b = watchFor(root, 'cam-b', [DAY, 60_000]);
    for (const w of [a, b]) await w.observe(new AbortController().signal);
    const guard = new StorageGuard(
      { dir: root, retentionDays: 7, minFreePercent: 1 },
      { clock: systemClock, log: silentLog() },
    );
    const report = await guard.run([a, b]);
    expect(fs.readdirSync(path.join(root, 'cam-a'))).toHaveLength(3);
    expect(report.deletedSegments).toBe(2);
    const usage = Object.fromEntries(report.cameras.map((c) => [c.cameraId, c]));
    expect(usage['cam-a']).toMatchObject({ segments: 3, bytes: 3000, compliant: true });
    expect(usage['cam-a']?.daysHeld).toBeCloseTo(8, 1);
    expect(usage['cam-b']?.daysHeld).toBeCloseTo(1, 1);
    // Only a day of history, but nothing was forced out: still compliant (just started).
    expect(usage['cam-b']?.compliant).toBe(true);
    expect(report.alarms).toEqual([]);
  });

  it('warns when the database shares the recordings filesystem', async () => {
    const root = tempDir('camgate-guard-');
    dirs.push(root);
    const guard = new StorageGuard(
      {
        dir: path.join(root, 'rec'),
        retentionDays: 7,
        minFreePercent: 1,
        databaseDir: path.join(root, 'state'),
      },
      { clock: systemClock, log: silentLog() },
    );
    await guard.checkSharedFilesystem();
    expect(guard.report().alarms.map((a) => a.code)).toEqual(['db_shares_filesystem']);
  });
});
