import type { StorageAlarm } from '../recording/storageAlarms.js';
import { parseStorageAlarms } from '../recording/storageAlarms.js';
import type { WiringContext } from './modules.js';

/** kv key: the storage alarms active at the last change, so the next boot can clear ended ones. */
export const STORAGE_ALARMS_KEY = 'recording.storageAlarms';

/** What the previous daemon left raised; what cannot be read is logged, not silently dropped. */
export function loadStorageAlarms(ctx: Pick<WiringContext, 'store' | 'log'>): StorageAlarm[] {
  const saved = parseStorageAlarms(ctx.store.getKv(STORAGE_ALARMS_KEY));
  if (saved.problem) {
    ctx.log.warn({ problem: saved.problem, carried: saved.alarms.length }, 'saved storage alarms unreadable');
  }
  return saved.alarms;
}

/** On every raise and clear, saves the active set (the next boot's carried alarms). */
export function saveStorageAlarmsOnChange(
  ctx: Pick<WiringContext, 'store' | 'log' | 'bus'>,
  active: () => readonly StorageAlarm[],
): void {
  ctx.bus.on('recording.alarm', () => {
    try {
      ctx.store.setKv(STORAGE_ALARMS_KEY, JSON.stringify(active()));
    } catch (err) {
      ctx.log.error({ err }, 'could not persist the active storage alarms');
    }
  });
}
