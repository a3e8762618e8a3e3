import { afterEach, describe, expect, it } from 'vitest';
import { silentLog } from '../../src/shared/log.js';
import { BootRepo } from '../../src/store/bootRepo.js';
import { HistoryRepo } from '../../src/store/historyRepo.js';
import { RecordingRepo } from '../../src/store/recordingRepo.js';
import { Store } from '../../src/store/store.js';

let store: Store | undefined;
afterEach(() => store?.close());

const T = Date.UTC(2026, 10, 21, 1, 0, 0);

describe('RecordingRepo (recording gaps in the outages table)', () => {
  it('keeps one open gap per camera and closes it with a wall-clock duration', () => {
    store = Store.open({ dir: ':memory:', log: silentLog() });
    const repo = new RecordingRepo(store.db, 'boot-1');
    const id = repo.openGap('cam-1', 'recorder_stalled', T);
    expect(repo.openGap('cam-1', 'no_new_segment', T + 5000)).toBe(id);
    expect(repo.closeGap('cam-1', T + 42_000, 'restored')).toBe(true);
    expect(repo.closeGap('cam-1', T + 50_000, 'restored')).toBe(false);
    expect(repo.gaps('cam-1')).toEqual([
      {
        id,
        cameraId: 'cam-1',
        cause: 'recorder_stalled',
        startedAt: new Date(T).toISOString(),
        startedMs: T,
        endedAt: new Date(T + 42_000).toISOString(),
        durationMs: 42_000,
        endReason: 'restored',
      },
    ]);
  });

  // Regression: an external recorder's file mtime (1795220692272.123) made the STRICT INTEGER
  // insert throw, and the stale event was lost with it.
  it('accepts fractional millisecond times (file mtimes)', () => {
    store = Store.open({ dir: ':memory:', log: silentLog() });
    const repo = new RecordingRepo(store.db, 'boot-1');
    repo.openGap('cam-1', 'external_writer_stopped', T + 0.123);
    expect(repo.closeGap('cam-1', T + 1000.7, 'restored')).toBe(true);
    expect(repo.gaps('cam-1')[0]).toMatchObject({ startedMs: T, durationMs: 1001 });
  });

  it('is listed by `camgate outages` (HistoryRepo) as kind recording, in time order', () => {
    store = Store.open({ dir: ':memory:', log: silentLog() });
    const repo = new RecordingRepo(store.db, 'boot-1');
    repo.openGap('cam-1', 'external_writer_stopped', T);
    const rows = new HistoryRepo(store.db).outages({ cameraId: 'cam-1', sinceMs: T - 1000 });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'recording', cause: 'external_writer_stopped', startedMs: T });
  });

  it('ends a previous boot’s open gap at that boot’s last sign of life', () => {
    store = Store.open({ dir: ':memory:', log: silentLog() });
    const boots = new BootRepo(store.db);
    boots.start('boot-1', 'test', T);
    new RecordingRepo(store.db, 'boot-1').openGap('cam-1', 'recorder_not_running', T + 1000);
    boots.alive('boot-1', T + 60_000);
    const next = new RecordingRepo(store.db, 'boot-2');
    expect(next.closeLeftovers(T + 3_600_000)).toBe(1);
    expect(next.gaps('cam-1')[0]).toMatchObject({ endReason: 'gap_reboot', durationMs: 59_000 });
    expect(next.openGapFor('cam-1')).toBeUndefined();
  });
});
