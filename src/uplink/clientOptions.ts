import fs from 'node:fs';
import type { IClientOptions } from 'mqtt';
import type { Config } from '../config/schema.js';
import { CamgateError } from '../shared/errors.js';

export type MqttConfig = Config['mqtt'];

export interface WillMessage {
  readonly topic: string;
  readonly payload: string;
}

export interface ClientOptionsInput {
  readonly mqtt: MqttConfig;
  readonly clientId: string;
  readonly will: WillMessage;
  /** MQTT 5 will delay: a reconnect within this window suppresses a spurious `lost`. */
  readonly willDelaySeconds: number;
  /** MQTT 5 session expiry: the broker keeps our command subscription (and queued commands) this long. */
  readonly sessionExpirySeconds: number;
  readonly receiveMaximum: number;
  readonly readFile?: (path: string) => Buffer;
}

/**
 * Gateway ids repeat across sites (every site has an `nvr-01`): a client id of the gateway id alone
 * lets one site's gateway take over another's session. The default binds the site too, and equals
 * the username the example ACL expects, so a broker with `use_username_as_clientid` agrees.
 */
export function clientIdFor(mqtt: MqttConfig, siteId: string, gatewayId: string): string {
  return mqtt.clientId ?? `${siteId}/${gatewayId}`;
}

/** Broker URLs in the order they are tried: `url`, then `urls` (duplicates removed). */
export function brokerUrls(mqtt: MqttConfig): string[] {
  return [...new Set([mqtt.url, ...mqtt.urls])];
}

/**
 * mqtt.js options for one connection attempt. Reconnects are ours (`reconnectPeriod: 0`) so the
 * backoff is jittered and can rotate brokers; persistence is ours (SQLite outbox), so QoS 0 is
 * never queued in memory while offline.
 */
export function clientOptions(input: ClientOptionsInput): IClientOptions {
  const { mqtt } = input;
  const read = input.readFile ?? fs.readFileSync;
  const v5 = mqtt.protocolVersion === 5;
  const options: IClientOptions = {
    clientId: input.clientId,
    protocolVersion: mqtt.protocolVersion,
    clean: false,
    keepalive: mqtt.keepaliveSeconds,
    reconnectPeriod: 0,
    connectTimeout: 15_000,
    queueQoSZero: false,
    resubscribe: false,
    // mqtt-packet's write cache is 65,536 pre-built 2-byte Buffers (one per uint16: packet ids,
    // string lengths), built at the first packet and kept for the process: ~6.5 MB of old space,
    // a quarter of the idle daemon's heap (heap snapshot, session 8). Without it the same bytes
    // are written from a 2-byte Buffer made per number, a few per packet. mqtt.js applies it to
    // mqtt-packet for the whole process, for good, and it must come before the first packet: the
    // daemon has one client, made here.
    writeCache: false,
    will: {
      topic: input.will.topic,
      payload: Buffer.from(input.will.payload),
      qos: 1,
      retain: true,
      ...(v5 ? { properties: { willDelayInterval: input.willDelaySeconds } } : {}),
    },
    ...(v5
      ? {
          properties: {
            sessionExpiryInterval: input.sessionExpirySeconds,
            receiveMaximum: input.receiveMaximum,
            requestProblemInformation: true,
          },
        }
      : {}),
  };
  if (mqtt.username !== undefined) options.username = mqtt.username;
  if (mqtt.passwordFile !== undefined) options.password = readSecret(read, mqtt.passwordFile, 'passwordFile');
  if (mqtt.ca !== undefined) options.ca = readSecret(read, mqtt.ca, 'ca');
  if (mqtt.cert !== undefined) options.cert = readSecret(read, mqtt.cert, 'cert');
  if (mqtt.key !== undefined) options.key = readSecret(read, mqtt.key, 'key');
  options.rejectUnauthorized = true;
  return options;
}

/** Reads a credential file; the error names the config field and path, never the content. */
function readSecret(read: (path: string) => Buffer, path: string, field: string): Buffer {
  try {
    const buf = read(path);
    // A password file written with `echo` ends in a newline that is not part of the password.
    return field === 'passwordFile' ? Buffer.from(buf.toString('utf8').replace(/\r?\n$/, '')) : buf;
  } catch (err) {
    throw new CamgateError('MQTT', `mqtt.${field}: cannot read ${path}`, { cause: err });
  }
}
