import { isoTs } from '../shared/clock.js';
import type { CamgateEvents } from '../shared/events.js';
import { redactText } from '../shared/redact.js';
import type { RecordedEvent } from '../uplink/eventOutbox.js';

/**
 * Bus events that become outbox events as they are, with no state of the uplink involved.
 * The MQTT fields of each type are listed in docs/mqtt.md.
 */

/**
 * `storage.alarm` / `storage.alarm.cleared`. Both are priority 2 (kept over everything): there is
 * no retained state for storage alarms, so an evicted clear would leave the centre with a
 * standing false alarm, and an evicted raise would hide a disk that is filling. There are a few
 * per episode, so they cannot crowd the outbox.
 */
export function storageAlarmEvent(a: CamgateEvents['recording.alarm']): RecordedEvent {
  return {
    type: a.raised ? 'storage.alarm' : 'storage.alarm.cleared',
    cameraId: a.cameraId ?? null,
    // The message may quote an OS error (a path); never a URL with credentials.
    fields: { code: a.code, message: redactText(a.message), since: isoTs(a.since) },
    priority: 2,
    at: a.at,
  };
}

/**
 * `clock.jump`: the gateway's own wall clock stepped. Priority 1 (kept, unlike `clock.drift`):
 * the centre needs it to read the `ts` of the events around it, and nothing measures it again.
 */
export function clockJumpEvent(j: CamgateEvents['health.clockJump']): RecordedEvent {
  return { type: 'clock.jump', cameraId: null, fields: { jumpMs: j.jumpMs }, priority: 1, at: j.at };
}
