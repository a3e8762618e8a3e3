import type { UplinkOutageCause } from '../shared/causes.js';

/**
 * MQTT v3.1.1 CONNACK return codes 4 (bad user name or password) and 5 (not authorised); MQTT 5
 * reason codes 0x86 (bad user name or password), 0x87 (not authorized), 0x8A (banned). mqtt.js
 * puts them on the error's `code`; a PUBACK 0x87 (ACL) arrives the same way.
 */
const REFUSED_CODES = new Set<number>([4, 5, 0x86, 0x87, 0x8a]);

/**
 * Why the broker link failed, from what mqtt.js / Node handed us (issue #12: the uplink's own
 * outages carry their cause). Pure. No error at all (the socket just closed) is a network matter.
 */
export function linkFailureCause(err: unknown): UplinkOutageCause {
  if (!(err instanceof Error)) return 'broker_unreachable';
  const code: unknown = (err as { code?: unknown }).code;
  if (typeof code === 'number' && REFUSED_CODES.has(code)) return 'refused';
  const text = `${typeof code === 'string' ? code : ''} ${err.message}`;
  if (/not authori[sz]ed|bad user ?name or password|banned/i.test(text)) return 'refused';
  // Node's TLS errors: `DEPTH_ZERO_SELF_SIGNED_CERT`, `CERT_HAS_EXPIRED`, `ERR_TLS_CERT_ALTNAME_INVALID`,
  // `ERR_SSL_WRONG_VERSION_NUMBER`, "unable to verify the first certificate", an unreadable CA file.
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|certificate|handshake/i.test(text)) return 'tls_failure';
  return 'broker_unreachable';
}
