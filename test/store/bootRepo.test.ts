import { describe, expect, it } from 'vitest';
import { silentLog } from '../../src/shared/log.js';
import { BootRepo } from '../../src/store/bootRepo.js';
import { HistoryRepo } from '../../src/store/historyRepo.js';
import { Store } from '../../src/store/store.js';

describe('BootRepo: reboot-gap order does not follow a wrong wall clock', () => {
  // An RTC-less NVR boots at 1970 until NTP answers: its boot row has a 1970 started_ms. The boot
  // after it must still find it as "previous" (start order), not the boot before it.
  it('previous() is the boot started just before, even when that one started at 1970', () => {
    const store = Store.open({ dir: ':memory:', log: silentLog() });
    const boots = new BootRepo(store.db);
    boots.start('boot-a', 'test', Date.UTC(2026, 11, 1));
    boots.alive('boot-a', Date.UTC(2026, 11, 1, 5));
    boots.start('boot-b', 'test', Date.UTC(1970, 0, 1, 0, 0, 30));
    boots.alive('boot-b', Date.UTC(1970, 0, 1, 0, 10));
    boots.start('boot-c', 'test', Date.UTC(2026, 11, 2));
    expect(boots.previous('boot-c')?.bootId).toBe('boot-b');
    expect(boots.previous('boot-b')?.bootId).toBe('boot-a');
    expect(boots.previous('boot-a')).toBeUndefined();
    const gap = new HistoryRepo(store.db).closeRebootGaps('boot-c', Date.UTC(2026, 11, 2));
    expect(gap?.previousBootId).toBe('boot-b');
    store.close();
  });
});
