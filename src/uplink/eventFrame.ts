import type { OutboxRow } from '../store/outboxRepo.js';

const ALWAYS_HISTORICAL = 'uplink.outage';

/**
 * The `events` payload for an outbox row: common fields first, then the event's own fields.
 * Built by string concatenation because a replay of a million rows must not re-parse each body.
 */
export function eventFrame(row: OutboxRow, backlog: boolean): string {
  // An uplink outage is reported after it ended, by nature: never live news (docs/mqtt.md).
  const historical = backlog || row.type === ALWAYS_HISTORICAL;
  const head =
    `{"eventId":${JSON.stringify(row.eventId)},"seq":${row.seq},"type":${JSON.stringify(row.type)},` +
    `"cameraId":${row.cameraId === null ? 'null' : JSON.stringify(row.cameraId)},"historical":${historical}`;
  const body = row.payload.trim();
  // The body is a JSON object written by OutboxRepo.append; '{}' has no fields to add.
  return body.length <= 2 ? `${head}}` : `${head},${body.slice(1)}`;
}
