import type { OutboxRow } from '../store/outboxRepo.js';

/**
 * The `events` payload for an outbox row: common fields first, then the event's own fields.
 * Built by string concatenation because a replay of a million rows must not re-parse each body.
 */
export function eventFrame(row: OutboxRow, historical: boolean): string {
  const head =
    `{"eventId":${JSON.stringify(row.eventId)},"seq":${row.seq},"type":${JSON.stringify(row.type)},` +
    `"cameraId":${row.cameraId === null ? 'null' : JSON.stringify(row.cameraId)},"historical":${historical}`;
  const body = row.payload.trim();
  // The body is a JSON object written by OutboxRepo.append; '{}' has no fields to add.
  return body.length <= 2 ? `${head}}` : `${head},${body.slice(1)}`;
}
