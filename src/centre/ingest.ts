import fs from 'node:fs';
import type { Kysely } from 'kysely';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Clock, TimerHandle } from '../shared/clock.js';
import { CamgateError } from '../shared/errors.js';
import type { Log } from '../shared/log.js';
import type { CentreConfig } from './config.js';
import { type IngestItem, parseMessage } from './payloads.js';
import { applyBatch } from './store/applyBatch.js';
import type { CentreDb } from './store/schema.js';

export interface IngestDeps {
  readonly config: Readonly<CentreConfig>;
  readonly db: Kysely<CentreDb>;
  readonly clock: Clock;
  readonly log: Log;
  /** Called after each committed batch, with the past days whose figure it changed. */
  readonly onCommitted?: (pastDays: ReadonlySet<string>, gatewayIds: ReadonlySet<string>) => void;
}

export interface IngestStats {
  received: number;
  /** Event messages among `received` (with shared subscriptions: this worker's share). */
  events: number;
  applied: number;
  rejected: number;
  duplicates: number;
  staleLost: number;
  batches: number;
}

const STATE_FLUSH_MS = 50;
const MAX_BATCH = 2000;

/** The topics the centre reads (docs/mqtt.md "Consuming at scale"). */
export function centreTopics(shareGroup: string | undefined): string[] {
  const events = 'camgate/v1/+/+/events';
  return [
    // Retained state is never shared: a shared subscription gets no retained messages (MQTT 5
    // §4.8.2), and every worker needs the whole current picture after a restart anyway.
    'camgate/v1/+/+/status',
    'camgate/v1/+/+/cameras/+/state',
    'camgate/v1/+/+/summary',
    shareGroup ? `$share/${shareGroup}/${events}` : events,
  ];
}

/**
 * The MQTT side of the centre: a persistent session (fixed client id, clean: false) so events
 * published while the centre restarts are queued by the broker. Retained state is acknowledged at
 * once and written in small batches (the broker re-sends it on every subscribe); an event is
 * acknowledged only after the transaction holding it has committed, so a crash loses none.
 */
export class Ingest {
  readonly stats: IngestStats = {
    received: 0,
    events: 0,
    applied: 0,
    rejected: 0,
    duplicates: 0,
    staleLost: 0,
    batches: 0,
  };
  private client: MqttClient | undefined;
  private queue: IngestItem[] = [];
  private acks: Array<() => void> = [];
  private flushTimer: TimerHandle | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly log: Log;
  private connectedOnce = false;

  constructor(private readonly deps: IngestDeps) {
    this.log = deps.log.child({ module: 'centre.ingest' });
  }

  async start(): Promise<void> {
    const { mqtt } = this.deps.config;
    const client = connect(mqtt.url, this.options());
    this.client = client;
    client.on('error', (err) => this.log.warn({ err }, 'mqtt error'));
    client.on('offline', () => this.log.warn('broker connection lost; reconnecting'));
    client.on('connect', (ack) => {
      this.log.info({ sessionPresent: ack.sessionPresent }, 'connected to broker');
      // Subscribing on every connect makes the broker send the retained picture again.
      client
        .subscribeAsync(centreTopics(mqtt.shareGroup), { qos: 1 })
        .catch((err: unknown) => this.log.error({ err }, 'subscribe failed'));
      this.connectedOnce = true;
    });
    await new Promise<void>((resolve, reject) => {
      const fail = (err: Error): void => {
        if (!this.connectedOnce)
          reject(new CamgateError('MQTT', `cannot connect to ${mqtt.url}`, { cause: err }));
      };
      client.once('connect', () => {
        client.off('error', fail);
        resolve();
      });
      client.once('error', fail);
    });
  }

  private options(): IClientOptions {
    const { mqtt } = this.deps.config;
    return {
      clientId: mqtt.clientId,
      clean: false,
      protocolVersion: 5,
      reconnectPeriod: 2000,
      connectTimeout: 15_000,
      properties: { sessionExpiryInterval: mqtt.sessionExpirySeconds, receiveMaximum: 1000 },
      ...(mqtt.username ? { username: mqtt.username } : {}),
      ...(mqtt.passwordFile ? { password: readSecret(mqtt.passwordFile) } : {}),
      ...(mqtt.ca ? { ca: fs.readFileSync(mqtt.ca) } : {}),
      customHandleAcks: (topic, payload, _packet, done) => this.onMessage(topic, payload, done),
    };
  }

  private onMessage(
    topic: string,
    payload: Buffer,
    done: (err: Error | number, code?: number) => void,
  ): void {
    this.stats.received += 1;
    const parsed = parseMessage(topic, payload);
    if (!parsed.ok) {
      this.stats.rejected += 1;
      this.log.warn({ topic: topic.slice(0, 200), reason: parsed.reason }, 'message rejected');
      done(0); // acknowledged: redelivering a malformed message would not make it valid
      return;
    }
    this.queue.push(parsed.item);
    if (parsed.item.kind === 'event') {
      this.stats.events += 1;
      this.acks.push(() => done(0));
      void this.flush();
      return;
    }
    done(0);
    if (this.queue.length >= MAX_BATCH) void this.flush();
    else this.flushTimer ??= this.deps.clock.setTimeout(() => void this.flush(), STATE_FLUSH_MS);
  }

  /** Writes what is queued; serialised so batches commit in arrival order. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushNow());
    return this.flushing;
  }

  private async flushNow(): Promise<void> {
    this.flushTimer?.cancel();
    this.flushTimer = undefined;
    if (this.queue.length === 0) return;
    const items = this.queue;
    const acks = this.acks;
    this.queue = [];
    this.acks = [];
    try {
      const r = await applyBatch(this.deps.db, items, new Date(this.deps.clock.now()).toISOString());
      this.stats.applied += r.applied;
      this.stats.duplicates += r.duplicates;
      this.stats.staleLost += r.staleLost;
      this.stats.batches += 1;
      for (const ack of acks) ack();
      this.deps.onCommitted?.(r.pastDays, new Set(items.map((i) => i.gatewayId)));
    } catch (err) {
      // Not acknowledged: the broker redelivers the events; the retained state comes back on resubscribe.
      this.log.error({ err, items: items.length }, 'batch failed; reconnecting so the broker redelivers');
      this.client?.reconnect();
    }
  }

  async stop(): Promise<void> {
    await this.flush();
    const client = this.client;
    this.client = undefined;
    if (client) await client.endAsync();
  }
}

function readSecret(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new CamgateError('CONFIG_NOT_FOUND', `cannot read secret file ${file}`, { cause: err });
  }
}
