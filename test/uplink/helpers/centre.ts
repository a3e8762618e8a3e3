import { connect, type IClientPublishOptions, type MqttClient } from 'mqtt';
import { systemClock } from '../../../src/shared/clock.js';

export interface Received {
  readonly topic: string;
  readonly text: string;
  readonly retain: boolean;
  readonly json: unknown;
  /** MQTT 5 message expiry as the broker forwarded it (the remaining seconds), when set. */
  readonly expirySeconds?: number;
}

/** The operations centre in tests: a real MQTT client with a persistent session, recording arrivals in order. */
export class Centre {
  readonly messages: Received[] = [];

  private constructor(readonly client: MqttClient) {}

  static async connect(
    url: string,
    filter = 'camgate/v1/#',
    clientId = `centre-${process.pid}`,
  ): Promise<Centre> {
    const client = connect(url, {
      clientId,
      clean: false,
      protocolVersion: 5,
      reconnectPeriod: 200,
      properties: { sessionExpiryInterval: 3600 },
    });
    const centre = new Centre(client);
    client.on('message', (topic, payload, packet) => {
      const text = payload.toString('utf8');
      let json: unknown;
      try {
        json = text.length > 0 ? JSON.parse(text) : undefined;
      } catch {
        json = undefined; // not JSON: kept as text for the assertion that cares
      }
      const expirySeconds = packet.properties?.messageExpiryInterval;
      centre.messages.push({
        topic,
        text,
        retain: packet.retain,
        json,
        ...(expirySeconds ? { expirySeconds } : {}),
      });
    });
    // The listener is attached before the CONNACK: messages the broker queued for this session
    // follow it at once and were lost when the listener came after connectAsync resolved.
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => {
        client.off('error', reject);
        resolve();
      });
      client.once('error', reject);
    });
    await client.subscribeAsync(filter, { qos: 1 });
    return centre;
  }

  on(suffix: string): Received[] {
    return this.messages.filter((m) => m.topic.endsWith(suffix));
  }

  events(): Array<Record<string, unknown>> {
    return this.on('/events').map((m) => m.json as Record<string, unknown>);
  }

  async waitFor(pred: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const until = systemClock.monotonic() + timeoutMs;
    while (!pred()) {
      if (systemClock.monotonic() > until) throw new Error(`timed out waiting for ${what}`);
      await systemClock.sleep(50);
    }
  }

  async publish(topic: string, payload: string, opts: IClientPublishOptions = { qos: 1 }): Promise<void> {
    await this.client.publishAsync(topic, payload, opts);
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

/** Unique events by eventId, in seq order. */
export function dedupe(events: ReadonlyArray<Record<string, unknown>>): Array<Record<string, unknown>> {
  const byId = new Map<string, Record<string, unknown>>();
  for (const e of events) byId.set(String(e.eventId), e);
  return [...byId.values()].sort((a, b) => Number(a.seq) - Number(b.seq));
}
