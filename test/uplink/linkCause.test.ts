import { describe, expect, it } from 'vitest';
import { linkFailureCause } from '../../src/uplink/linkCause.js';

/** What mqtt.js and Node hand the connection for each way a broker link fails (issue #12 item 3). */
function err(message: string, code?: string | number): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

describe('linkFailureCause', () => {
  it.each([
    ['no error at all (the socket closed)', undefined, 'broker_unreachable'],
    ['ECONNREFUSED', err('connect ECONNREFUSED 127.0.0.1:1883', 'ECONNREFUSED'), 'broker_unreachable'],
    ['DNS', err('getaddrinfo ENOTFOUND broker.example', 'ENOTFOUND'), 'broker_unreachable'],
    ['keepalive timeout', err('Keepalive timeout'), 'broker_unreachable'],
    ['MQTT 3.1.1 CONNACK 5', err('Connection refused: Not authorized', 5), 'refused'],
    ['MQTT 3.1.1 CONNACK 4', err('Connection refused: Bad username or password', 4), 'refused'],
    ['MQTT 5 CONNACK 0x86', err('Connection refused: Bad User Name or Password', 0x86), 'refused'],
    ['MQTT 5 PUBACK 0x87 (ACL)', err('Publish error: Not authorized', 0x87), 'refused'],
    ['self-signed', err('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls_failure'],
    ['expired', err('certificate has expired', 'CERT_HAS_EXPIRED'), 'tls_failure'],
    [
      'wrong name',
      err("Hostname/IP does not match certificate's altnames", 'ERR_TLS_CERT_ALTNAME_INVALID'),
      'tls_failure',
    ],
    ['plain port over TLS', err('wrong version number', 'ERR_SSL_WRONG_VERSION_NUMBER'), 'tls_failure'],
  ] as const)('%s', (_name, e, cause) => {
    expect(linkFailureCause(e)).toBe(cause);
  });
});
