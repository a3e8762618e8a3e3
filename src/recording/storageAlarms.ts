import { STORAGE_ALARM_CODES, type StorageAlarmCode } from '../shared/types.js';

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

export interface SavedAlarms {
  readonly alarms: StorageAlarm[];
  /** Why some or all of what was saved could not be read (the caller logs it); none: all read. */
  readonly problem?: string;
}

/**
 * Alarms persisted by a previous daemon (JSON of `report().alarms`). Anything unreadable is left
 * out, and said so: an alarm silently lost at a restart is never cleared at the centre.
 */
export function parseStorageAlarms(json: string | undefined): SavedAlarms {
  if (json === undefined) return { alarms: [] };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    // Start without carried alarms: the first check raises again whatever still holds.
    return { alarms: [], problem: `saved storage alarms are not JSON: ${(err as Error).message}` };
  }
  if (!Array.isArray(value)) return { alarms: [], problem: 'saved storage alarms are not a list' };
  const alarms = value.flatMap(readAlarm);
  const dropped = value.length - alarms.length;
  return dropped === 0
    ? { alarms }
    : { alarms, problem: `${dropped} saved storage alarm(s) malformed and left out` };
}

function readAlarm(v: unknown): StorageAlarm[] {
  if (typeof v !== 'object' || v === null) return [];
  const { code, cameraId, message, since } = v as Record<string, unknown>;
  if (!(STORAGE_ALARM_CODES as readonly unknown[]).includes(code)) return [];
  if (typeof message !== 'string' || typeof since !== 'string' || Number.isNaN(Date.parse(since))) return [];
  if (cameraId !== undefined && typeof cameraId !== 'string') return [];
  return [{ code: code as StorageAlarmCode, message, since, ...(cameraId ? { cameraId } : {}) }];
}
