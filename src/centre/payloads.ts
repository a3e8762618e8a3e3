import { z } from 'zod';
import { cameraStatePayload, eventPayload, statusPayload, summaryPayload } from '../uplink/payloads.js';
import { tolerant } from './tolerant.js';

/**
 * The published payload schemas (src/uplink/payloads.ts), read the way a consumer must read a
 * versioned interface (`tolerant`): additive changes are accepted at every depth. Extra fields
 * pass, a newer gateway's camera `cause` (e.g. `stream_refused`), picture reason or class is kept
 * as its own string, and unknown event types are stored as they come.
 */
export const centreStatus = tolerant(statusPayload);
export const centreCameraState = tolerant(cameraStatePayload);
export const centreSummary = tolerant(summaryPayload);
export const centreEvent = tolerant(eventPayload.extend({ type: z.string().min(1).max(64) }));

export type CentreStatus = z.infer<typeof centreStatus>;
export type CentreCameraState = z.infer<typeof centreCameraState>;
export type CentreSummary = z.infer<typeof centreSummary>;
export type CentreEvent = z.infer<typeof centreEvent>;

/** One validated message, addressed by the topic it came on. */
export type IngestItem =
  | {
      readonly kind: 'status';
      readonly siteId: string;
      readonly gatewayId: string;
      readonly payload: CentreStatus;
    }
  | {
      readonly kind: 'camera';
      readonly siteId: string;
      readonly gatewayId: string;
      readonly cameraId: string;
      /** null: the retained state was cleared (camera removed). */
      readonly payload: CentreCameraState | null;
    }
  | {
      readonly kind: 'summary';
      readonly siteId: string;
      readonly gatewayId: string;
      readonly payload: CentreSummary;
    }
  | {
      readonly kind: 'event';
      readonly siteId: string;
      readonly gatewayId: string;
      readonly payload: CentreEvent;
    };

const SEG = '([^/]+)';
const TOPIC = new RegExp(`^camgate/v1/${SEG}/${SEG}/(status|summary|events|cameras/${SEG}/state)$`);

export type ParseResult = { ok: true; item: IngestItem } | { ok: false; reason: string };

/** Topic and payload bytes → a validated item, or why not (bounded text, never the payload). */
export function parseMessage(topic: string, payload: Buffer): ParseResult {
  // Shared subscriptions deliver the original topic, so no `$share/` prefix to strip here.
  const m = TOPIC.exec(topic);
  if (!m) return { ok: false, reason: 'not a camgate/v1 topic the centre reads' };
  const siteId = m[1]!;
  const gatewayId = m[2]!;
  const which = m[3]!;
  if (payload.length === 0) {
    if (m[4] !== undefined)
      return { ok: true, item: { kind: 'camera', siteId, gatewayId, cameraId: m[4], payload: null } };
    return { ok: false, reason: 'empty payload' };
  }
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: `not JSON (${(err as Error).message.slice(0, 80)})` };
  }
  const check = <T>(schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; reason: string } => {
    const r = schema.safeParse(json);
    if (r.success) return { ok: true, value: r.data };
    const first = r.error.issues[0];
    return { ok: false, reason: `${first?.path.join('.') || '(root)'}: ${first?.message ?? 'invalid'}` };
  };
  if (which === 'status') {
    const r = check(centreStatus);
    return r.ok ? { ok: true, item: { kind: 'status', siteId, gatewayId, payload: r.value } } : r;
  }
  if (which === 'summary') {
    const r = check(centreSummary);
    return r.ok ? { ok: true, item: { kind: 'summary', siteId, gatewayId, payload: r.value } } : r;
  }
  if (which === 'events') {
    const r = check(centreEvent);
    return r.ok ? { ok: true, item: { kind: 'event', siteId, gatewayId, payload: r.value } } : r;
  }
  const r = check(centreCameraState);
  if (!r.ok) return r;
  if (r.value.cameraId !== m[4]) return { ok: false, reason: 'cameraId differs from the topic' };
  return { ok: true, item: { kind: 'camera', siteId, gatewayId, cameraId: m[4]!, payload: r.value } };
}
