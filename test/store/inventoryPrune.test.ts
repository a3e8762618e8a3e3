import { describe, expect, it } from 'vitest';
import type { StoredCamera } from '../../src/discovery/inventory.js';
import { silentLog } from '../../src/shared/log.js';
import type { CameraRecord } from '../../src/shared/types.js';
import { InventoryRepo } from '../../src/store/inventoryRepo.js';
import { Store } from '../../src/store/store.js';

function cam(id: string, removed: boolean): StoredCamera {
  const record = {
    id,
    address: '10.0.0.9',
    source: 'onvif',
    class: 'overview',
    firstSeenAt: '2026-01-01T00:00:00.000Z',
    lastSeenAt: '2026-01-01T00:00:00.000Z',
    profiles: [],
  } as unknown as CameraRecord;
  return { record, missedSweeps: removed ? 3 : 0, removed };
}

describe('InventoryRepo.pruneRemoved', () => {
  it('forgets cameras removed before the cutoff, keeps recent removals and active cameras', () => {
    const store = Store.open({ dir: ':memory:', log: silentLog() });
    const repo = new InventoryRepo(store.db);
    repo.saveAll([cam('old-junk', true), cam('active', false)], '2026-10-01T00:00:00.000Z');
    repo.saveAll([cam('recent', true)], '2026-11-30T00:00:00.000Z');
    expect(repo.pruneRemoved('2026-11-05T00:00:00.000Z')).toBe(1);
    expect(
      repo
        .all()
        .map((c) => c.record.id)
        .sort(),
    ).toEqual(['active', 'recent']);
    store.close();
  });
});
