import type { IClientPublishOptions } from 'mqtt';
import type { Clock } from '../shared/clock.js';
import type { Log } from '../shared/log.js';
import type { CameraStatusRow } from '../shared/types.js';
import type { MqttConfig } from './clientOptions.js';
import type { EventOutbox } from './eventOutbox.js';
import { type HourlyMetrics, MetricsAggregate } from './metricsAggregate.js';
import { metricsPayload } from './statePayloads.js';

export interface UplinkMetricsDeps {
  readonly mqtt: MqttConfig;
  readonly clock: Clock;
  readonly log: Log;
  readonly outbox: EventOutbox;
  readonly cameras: () => readonly CameraStatusRow[];
  readonly topic: string;
  readonly connected: () => boolean;
  /** Sends on the current session (nothing without one). */
  readonly send: (topic: string, payload: string, opts: IClientPublishOptions) => void;
}

/**
 * The `metrics` topic: live figures while connected (QoS 0, with an expiry), and while offline
 * hourly aggregates (`metrics.hourly` outbox events) that join the backlog of the next session.
 */
export class UplinkMetrics {
  /** Metrics sampled while offline, folded into hourly aggregates for the outbox. */
  private readonly offline = new MetricsAggregate();

  constructor(private readonly deps: UplinkMetricsDeps) {}

  /** One sample: published while connected, folded into the offline hours otherwise. */
  publish(): void {
    const { outbox, mqtt, clock } = this.deps;
    const repo = outbox.repo;
    const payload = metricsPayload(
      this.deps.cameras(),
      {
        uptimeS: Math.round(process.uptime()),
        outboxDepth: repo.depth,
        outboxBytes: repo.bytes,
        outboxDropped: outbox.dropped,
        rssBytes: process.memoryUsage().rss,
      },
      new Date(clock.now()).toISOString(),
    );
    if (!this.deps.connected()) {
      const now = clock.now();
      this.offline.add(payload.cameras, now);
      this.recordHours(this.offline.take(now));
      return;
    }
    // QoS 0 with an expiry: a stale figure is worse than none; offline hours go as metrics.hourly.
    const opts: IClientPublishOptions = { qos: 0, retain: false };
    if (mqtt.protocolVersion === 5) {
      opts.properties = { messageExpiryInterval: mqtt.metricsSeconds * 2 };
    }
    this.deps.send(this.deps.topic, JSON.stringify(payload), opts);
  }

  /** Every offline hour so far, the current partial one too, into the outbox (a session began). */
  recordOffline(): void {
    this.recordHours(this.offline.take(this.deps.clock.now(), true));
  }

  /** `metrics.hourly`, priority 0: the first thing the byte cap and a full disk give up. */
  private recordHours(hours: readonly HourlyMetrics[]): void {
    for (const h of hours) {
      try {
        this.deps.outbox.record({
          type: 'metrics.hourly',
          cameraId: null,
          fields: { ...h },
          priority: 0,
          at: Date.parse(h.to),
        });
      } catch (err) {
        this.deps.log.error({ err, hour: h.hour }, 'could not keep the offline metrics of an hour');
      }
    }
  }
}
