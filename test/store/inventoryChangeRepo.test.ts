import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLog } from '../../src/shared/log.js';
import { InventoryChangeRepo } from '../../src/store/inventoryChangeRepo.js';
import { migrations } from '../../src/store/migrations/index.js';
import { openReadOnly, ReportRepo } from '../../src/store/reportRepo.js';
import { Store } from '../../src/store/store.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-changes-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const T0 = '2026-03-01T10:00:00.000Z';

describe('InventoryChangeRepo (migration 005)', () => {
  it('upgrades a version-4 database in place, keeping its data, and records changes the report reads', () => {
    const dir = tempDir();
    const old = Store.open({ dir, log: silentLog(), migrations: migrations.filter((m) => m.version <= 4) });
    expect(old.schemaVersion).toBe(4);
    old.setKv('bdSeq', '9');
    old.close();

    // Up to 005 exactly: later migrations (007 lpr_reads) are not what this upgrade test is about.
    const store = Store.open({ dir, log: silentLog(), migrations: migrations.filter((m) => m.version <= 5) });
    expect(store.schemaVersion).toBe(5);
    expect(store.getKv('bdSeq')).toBe('9');
    const repo = new InventoryChangeRepo(store.db);
    repo.markTrackingSince(T0);
    repo.markTrackingSince('2026-04-01T00:00:00.000Z');
    repo.record({
      type: 'replaced',
      camera: { id: 'gate-1', class: 'lpr', serial: 'SN-NEW', model: 'iDS-2CD7A46G0' },
      previous: { id: 'gate-1', serial: 'SN-OLD', model: 'DS-2CD4A26FWD' },
      atIso: '2026-03-02T08:00:00.000Z',
      bootId: 'boot-1',
    });
    repo.record({
      type: 'replaced',
      camera: { id: 'yard-2', class: 'overview' },
      previous: { id: 'yard-1' },
      atIso: '2026-03-03T08:00:00.000Z',
      bootId: 'boot-1',
    });
    repo.record({
      type: 'removed',
      camera: { id: 'yard-1', class: 'overview' },
      atIso: '2026-03-05T00:00:00.000Z',
      bootId: 'boot-1',
    });
    const rows = store.db
      .prepare(
        'SELECT camera_id, type, class, previous_camera_id, serial, previous_serial FROM inventory_changes ORDER BY id',
      )
      .all();
    expect(rows).toEqual([
      {
        camera_id: 'gate-1',
        type: 'replaced',
        class: 'lpr',
        previous_camera_id: null,
        serial: 'SN-NEW',
        previous_serial: 'SN-OLD',
      },
      {
        camera_id: 'yard-2',
        type: 'replaced',
        class: 'overview',
        previous_camera_id: 'yard-1',
        serial: null,
        previous_serial: null,
      },
      {
        camera_id: 'yard-1',
        type: 'removed',
        class: 'overview',
        previous_camera_id: null,
        serial: null,
        previous_serial: null,
      },
    ]);
    store.close();

    // The report opens the database read-only: since is the first mark, the window is [from, to).
    const db = openReadOnly(dir);
    try {
      expect(
        new ReportRepo(db).inventoryChanges('2026-03-02T08:00:00.000Z', '2026-03-05T00:00:00.000Z'),
      ).toEqual({
        since: T0,
        changes: [
          { cameraId: 'gate-1', type: 'replaced', at: '2026-03-02T08:00:00.000Z' },
          { cameraId: 'yard-2', type: 'replaced', at: '2026-03-03T08:00:00.000Z' },
        ],
      });
    } finally {
      db.close();
    }
  });

  it('the report repo says "not tracked" (undefined) for a database that never got migration 005', () => {
    const dir = tempDir();
    Store.open({ dir, log: silentLog(), migrations: migrations.filter((m) => m.version <= 4) }).close();
    const db = openReadOnly(dir);
    try {
      expect(new ReportRepo(db).inventoryChanges(T0, '2026-04-01T00:00:00.000Z')).toBeUndefined();
    } finally {
      db.close();
    }
  });
});
