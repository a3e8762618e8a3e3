import { STORAGE_ALARM_CODES, type StorageAlarmCode } from '../../shared/types.js';

/** One raised storage alarm; `since` is when it was raised (ISO-8601). */
export interface StorageAlarm {
  readonly code: StorageAlarmCode;
  readonly cameraId?: string;
  readonly message: string;
  readonly since: string;
}

export function alarmKey(code: StorageAlarmCode, cameraId: string | undefined): string {
  return cameraId ? `${code}:${cameraId}` : code;
}

/** Alarms persisted by a previous daemon (JSON of `report().alarms`); anything malformed is dropped. */
export function parseStorageAlarms(json: string | undefined): StorageAlarm[] {
  if (json === undefined) return [];
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return []; // unreadable: start without carried alarms, the first check raises what holds
  }
  if (!Array.isArray(value)) return [];
  return value.flatMap((v: unknown): StorageAlarm[] => {
    if (typeof v !== 'object' || v === null) return [];
    const { code, cameraId, message, since } = v as Record<string, unknown>;
    if (!(STORAGE_ALARM_CODES as readonly unknown[]).includes(code)) return [];
    if (typeof message !== 'string' || typeof since !== 'string' || Number.isNaN(Date.parse(since)))
      return [];
    if (cameraId !== undefined && typeof cameraId !== 'string') return [];
    return [{ code: code as StorageAlarmCode, message, since, ...(cameraId ? { cameraId } : {}) }];
  });
}
