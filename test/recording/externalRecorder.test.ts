import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingService } from '../../src/recording/recordingService.js';
import { systemClock } from '../../src/shared/clock.js';
import { type CamgateEvents, EventBus } from '../../src/shared/events.js';
import { silentLog } from '../../src/shared/log.js';
import { RecordingRepo } from '../../src/store/recordingRepo.js';
import { Store } from '../../src/store/store.js';
import { processAlive, tempDir, until } from './simHelpers.js';

let writer: ChildProcess | undefined;
let service: RecordingService | undefined;
let store: Store | undefined;
const dirs: string[] = [];

afterEach(async () => {
  if (writer?.pid && processAlive(writer.pid)) process.kill(-writer.pid, 'SIGKILL');
  writer = undefined;
  await service?.stop();
  service = undefined;
  store?.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Another recorder: a separate process writing a file per second into dated directories. */
function startWriter(root: string): ChildProcess {
  const script = `
    while true; do
      d="${root}/cam-ext/$(date -u +%Y-%m-%d)"; mkdir -p "$d"
      head -c 20000 /dev/urandom > "$d/$(date -u +%H%M%S).mp4"
      sleep 1
    done`;
  // Own process group, so stopping it also stops its `sleep` child (no orphan).
  return spawn('bash', ['-c', script], { stdio: 'ignore', detached: true });
}

describe('external recorder verification', () => {
  it('is ok while the external writer writes and stale within segment + 30 s after it stops', async () => {
    const root = tempDir('camgate-ext-');
    dirs.push(root);
    store = Store.open({ dir: ':memory:', log: silentLog() });
    const repo = new RecordingRepo(store.db, 'boot-ext');
    const bus = new EventBus();
    const events: CamgateEvents['recording.status'][] = [];
    bus.on('recording.status', (e) => events.push(e));
    writer = startWriter(root);
    const segmentSeconds = 2;
    service = new RecordingService(
      [{ cameraId: 'cam-ext', source: 'external', pattern: path.join(root, 'cam-ext', '*', '*.mp4') }],
      {
        dir: path.join(root, 'own'),
        segmentSeconds,
        retentionDays: 30,
        minFreePercent: 1,
        stallSeconds: 3,
        tickMs: 250,
        externalPollMs: 500,
      },
      {
        clock: systemClock,
        log: silentLog(),
        bus,
        gaps: {
          open: (id, cause, at) => repo.openGap(id, cause, at),
          close: (id, at, reason) => repo.closeGap(id, at, reason),
        },
      },
    );
    await service.start();
    const svc = service;
    await until(() => (svc.camera('cam-ext')?.status === 'ok' ? true : undefined), 15_000, 'external ok');

    await until(
      () => (fs.readdirSync(root, { recursive: true }).length >= 5 ? true : undefined),
      10_000,
      'three files',
    );
    const pid = writer.pid;
    if (!pid) throw new Error('writer has no pid');
    process.kill(-pid, 'SIGTERM');
    const stoppedAt = systemClock.monotonic();
    await until(
      () => (svc.camera('cam-ext')?.status === 'stale' ? true : undefined),
      60_000,
      'external stale',
    );
    const after = (systemClock.monotonic() - stoppedAt) / 1000;
    // Rule: stale within segment + 30 s of the last write (poll and tick add about a second).
    expect(after).toBeGreaterThan(segmentSeconds + 30 - 3);
    expect(after).toBeLessThan(segmentSeconds + 30 + 5);
    expect(repo.openGapFor('cam-ext')?.cause).toBe('external_writer_stopped');
    expect(events.map((e) => e.status)).toEqual(['unknown', 'ok', 'stale']);
    const usage = (await svc.runStorage()).cameras.find((c) => c.cameraId === 'cam-ext');
    expect(usage?.segments).toBeGreaterThanOrEqual(2);
    expect(usage?.bytes).toBe((usage?.segments ?? 0) * 20000);
  }, 90_000);
});
