import { afterEach, describe, expect, it } from 'vitest';
import { loadStorageAlarms, STORAGE_ALARMS_KEY } from '../../src/app/savedStorageAlarms.js';
import { silentLog } from '../../src/shared/log.js';
import { Store } from '../../src/store/store.js';
import { captureLog } from '../uplink/helpers/gateway.js';

let store: Store | undefined;
afterEach(() => {
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
