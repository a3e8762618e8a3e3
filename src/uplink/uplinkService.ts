import type { IClientOptions, IClientPublishOptions, IPublishPacket } from 'mqtt';
import type { UplinkOutageCause } from '../shared/causes.js';
import type { Clock, TimerHandle } from '../shared/clock.js';
import type { Log } from '../shared/log.js';
import type { Service } from '../shared/service.js';
import type { CameraStatusRow, CentreState } from '../shared/types.js';
import { parseCentreState } from './centreState.js';
import { brokerUrls, clientIdFor, clientOptions, type MqttConfig } from './clientOptions.js';
import { type CommandHandlers, responseRoute, runCommand } from './commands.js';
import { BrokerConnection, type Session } from './connection.js';
import { OutboxDrainer } from './drainer.js';
import type { EventOutbox, RecordedEvent } from './eventOutbox.js';
import { type HourlyMetrics, MetricsAggregate } from './metricsAggregate.js';
import type { StatusPayload, SummaryPayload } from './payloads.js';
import { raceTimeout } from './raceTimeout.js';
import { cameraStatePayload, metricsPayload, type PlannedCounts, summaryPayload } from './statePayloads.js';
import { type Topics, topicsFor } from './topics.js';

export interface UplinkTuning {
  readonly willDelaySeconds: number;
  readonly sessionExpirySeconds: number;
  readonly window: number;
  readonly replayRatePerSecond: number;
}

export const DEFAULT_TUNING: UplinkTuning = {
  willDelaySeconds: 10,
  sessionExpirySeconds: 7 * 86_400,
  window: 1000,
  replayRatePerSecond: 10_000,
};

export interface UplinkDeps {
  readonly mqtt: MqttConfig;
  readonly siteId: string;
  readonly gatewayId: string;
  readonly bootId: string;
  readonly version: string;
  readonly clock: Clock;
  readonly log: Log;
  readonly outbox: EventOutbox;
  readonly kv: { getKv(key: string): string | undefined; setKv(key: string, value: string): void };
  readonly cameras: () => readonly CameraStatusRow[];
  readonly planned?: PlannedCounts;
  /** The inventory cap as the summary tells it (site-level state); absent: not in the summary. */
  readonly inventoryCap?: () => SummaryPayload['inventoryCap'];
  readonly handlers?: CommandHandlers;
  /** Called when the link or the centre's state changes, before the service republishes state. */
  readonly onLinkChange?: (link: {
    connected: boolean;
    centre: CentreState | undefined;
    detail?: string;
    /** Why the link is down (not connected); absent while connected. */
    cause?: UplinkOutageCause;
  }) => void;
  readonly tuning?: Partial<UplinkTuning>;
  readonly readFile?: (path: string) => Buffer;
}

/** The store guards this key's value against ever going back (src/store/counterGuard.ts uses the same). */
export const BD_SEQ_KEY = 'uplink.bdSeq';

/**
 * The MQTT uplink: birth/LWT, retained camera state and summary, metrics, commands, and the
 * outbox drain. Owns one BrokerConnection; each established session republishes birth and the
 * full retained state first, then drains the backlog.
 */
export class UplinkService implements Service {
  readonly name = 'uplink';
  readonly topics: Topics;
  private readonly tuning: UplinkTuning;
  private readonly connection: BrokerConnection;
  readonly drainer: OutboxDrainer;
  private session: Session | undefined;
  private bdSeq = 0;
  private centre: CentreState | undefined;
  private timers: TimerHandle[] = [];
  private readonly abort = new AbortController();
  private broker: string | undefined;
  private connectedSince: number | undefined;
  /** Metrics sampled while offline, folded into hourly aggregates for the outbox. */
  private readonly offlineMetrics = new MetricsAggregate();

  constructor(private readonly deps: UplinkDeps) {
    this.topics = topicsFor(deps.siteId, deps.gatewayId);
    this.tuning = { ...DEFAULT_TUNING, ...deps.tuning };
    this.centre = deps.mqtt.centreStateTopic === undefined ? undefined : 'unknown';
    this.drainer = new OutboxDrainer({
      outbox: deps.outbox.repo,
      clock: deps.clock,
      log: deps.log,
      topic: this.topics.events,
      options: {
        window: this.tuning.window,
        replayRatePerSecond: this.tuning.replayRatePerSecond,
        ackBatch: 256,
      },
    });
    this.connection = new BrokerConnection({
      clock: deps.clock,
      log: deps.log,
      urls: brokerUrls(deps.mqtt),
      options: () => this.nextClientOptions(),
      onSession: (s) => this.onSession(s),
      onDown: (detail, cause) => this.onDown(detail, cause),
      reconnectWindowMs: deps.mqtt.reconnectWindowSeconds * 1000,
    });
  }

  get connected(): boolean {
    return this.session !== undefined && !this.session.closed.aborted;
  }

  get centreState(): CentreState | undefined {
    return this.centre;
  }

  async start(signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => this.abort.abort(signal.reason), { once: true });
    const { clock, mqtt } = this.deps;
    this.timers.push(clock.setInterval(() => this.publishAllState(), mqtt.heartbeatSeconds * 1000));
    this.timers.push(clock.setInterval(() => this.publishMetrics(), mqtt.metricsSeconds * 1000));
    this.connection.start();
  }

  async stop(): Promise<void> {
    for (const t of this.timers) t.cancel();
    this.timers = [];
    this.abort.abort(new Error('uplink stopping'));
    await this.connection.stop(async (client) => {
      const offline = this.statusPayload('offline');
      await raceTimeout(
        this.deps.clock,
        client.publishAsync(this.topics.status, JSON.stringify(offline), { qos: 1, retain: true }),
        3000,
      );
    });
    this.session = undefined;
  }

  /** Appends to the outbox (committed before any send) and wakes the drain. */
  record(event: RecordedEvent): { seq: number; eventId: string } {
    return this.deps.outbox.record(event);
  }

  publishCamera(cameraId: string): void {
    const row = this.deps.cameras().find((r) => r.cameraId === cameraId);
    if (row) this.publish(this.topics.cameraState(cameraId), cameraStatePayload(row, this.nowIso()), 1, true);
  }

  /** A removed camera's retained state is cleared (empty retained payload deletes it on the broker). */
  clearCamera(cameraId: string): void {
    this.publishRaw(this.topics.cameraState(cameraId), '', { qos: 1, retain: true });
  }

  publishSummary(): void {
    this.publish(
      this.topics.summary,
      summaryPayload(this.deps.cameras(), this.deps.planned, this.nowIso(), this.deps.inventoryCap?.()),
      1,
      true,
    );
  }

  publishAllState(): void {
    for (const row of this.deps.cameras()) {
      this.publish(this.topics.cameraState(row.cameraId), cameraStatePayload(row, this.nowIso()), 1, true);
    }
    this.publishSummary();
  }

  /** Birth again plus all retained state (the `rebirth` command; the centre lost its retained view). */
  async rebirth(): Promise<{ bdSeq: number }> {
    this.publish(this.topics.status, this.statusPayload('online'), 1, true);
    this.publishAllState();
    return { bdSeq: this.bdSeq };
  }

  status(): Record<string, unknown> {
    const repo = this.deps.outbox.repo;
    const d = this.drainer.stats();
    return {
      state: this.connected ? 'connected' : 'disconnected',
      broker: this.broker ?? null,
      connectedSince: this.connectedSince === undefined ? null : new Date(this.connectedSince).toISOString(),
      lastError: this.connection.lastErrorText ?? null,
      bdSeq: this.bdSeq,
      centre: this.centre ?? null,
      outboxDepth: repo.depth,
      outboxBytes: repo.bytes,
      outboxCapBytes: repo.capBytes,
      outboxDropped: this.deps.outbox.dropped,
      // A full database disk: events held in memory until it has room (src/store/pendingWrites.ts).
      dbFull: this.deps.outbox.writes?.diskFull ?? false,
      pendingWrites: this.deps.outbox.writes?.pending ?? 0,
      inflight: d.inflight,
      eventsSent: d.sent,
      eventsAcked: d.acked,
      eventsRefused: d.rejected,
      lastPubackAt: d.lastPubackAt === undefined ? null : new Date(d.lastPubackAt).toISOString(),
    };
  }

  private nextClientOptions(): IClientOptions {
    // bdSeq counts connection attempts across restarts; the will and the birth of one session share it.
    this.bdSeq = (Number(this.deps.kv.getKv(BD_SEQ_KEY) ?? '0') + 1) % 2 ** 31;
    this.deps.kv.setKv(BD_SEQ_KEY, String(this.bdSeq));
    return clientOptions({
      mqtt: this.deps.mqtt,
      clientId: clientIdFor(this.deps.mqtt, this.deps.siteId, this.deps.gatewayId),
      will: { topic: this.topics.status, payload: JSON.stringify(this.statusPayload('lost')) },
      willDelaySeconds: this.tuning.willDelaySeconds,
      sessionExpirySeconds: this.tuning.sessionExpirySeconds,
      receiveMaximum: 100,
      readFile: this.deps.readFile,
    });
  }

  private onSession(session: Session): void {
    this.session = session;
    this.broker = session.broker;
    this.connectedSince = this.deps.clock.now();
    session.client.on('message', (topic, body, packet) => this.onMessage(session, topic, body, packet));
    this.subscribe(session);
    this.deps.onLinkChange?.({ connected: true, centre: this.centre });
    // Order matters: birth, then current retained state, then the backlog (drainer).
    this.publish(this.topics.status, this.statusPayload('online'), 1, true);
    this.publishAllState();
    // The offline hours (the current partial one too) join the backlog the drain is about to send.
    this.recordHours(this.offlineMetrics.take(this.deps.clock.now(), true));
    this.drainer.run(session).catch((err: unknown) => {
      // The backlog read failed (the database, not the link): the rows stay, and ending the session
      // retries through the reconnect backoff instead of leaving a connected uplink that never drains.
      this.deps.log.error({ err }, 'outbox drain failed; ending the session to retry');
      if (!session.closed.aborted) session.client.end(true);
    });
  }

  /** Every failed attempt too: a link that never came up since boot is down, with its cause. */
  private onDown(detail: string, cause: UplinkOutageCause): void {
    this.session = undefined;
    this.connectedSince = undefined;
    this.deps.onLinkChange?.({ connected: false, centre: this.centre, detail, cause });
  }

  private subscribe(session: Session): void {
    const filters = [this.topics.cmdFilter];
    const centreTopic = this.deps.mqtt.centreStateTopic;
    if (centreTopic !== undefined) filters.push(centreTopic);
    session.client.subscribe(filters, { qos: 1 }, (err, granted) => {
      if (err) {
        this.deps.log.warn({ err, filters }, 'subscribe failed');
        return;
      }
      for (const g of granted ?? []) {
        if (g.qos >= 0x80)
          this.deps.log.error({ topic: g.topic, reasonCode: g.qos }, 'broker refused a subscription (ACL?)');
      }
    });
  }

  private onMessage(session: Session, topic: string, body: Buffer, packet: IPublishPacket): void {
    if (topic === this.deps.mqtt.centreStateTopic) {
      this.onCentreState(parseCentreState(body));
      return;
    }
    const name = this.topics.commandName(topic);
    if (name === undefined) return;
    const { clock } = this.deps;
    runCommand({
      name,
      body,
      // rebirth is the uplink's own; the rest come from the modules that can do them.
      handlers: { rebirth: () => this.rebirth(), ...this.deps.handlers },
      receipt: {
        wallMs: clock.now(),
        monoMs: clock.monotonic(),
        messageExpirySeconds: packet.properties?.messageExpiryInterval,
      },
      clock,
      log: this.deps.log,
      signal: this.abort.signal,
    })
      .then((answer) => {
        if (session.closed.aborted) return;
        const { topic: target, options } = responseRoute(this.topics, packet, answer.requestId);
        this.publishRaw(target, JSON.stringify(answer), options);
      })
      .catch((err: unknown) => {
        // runCommand answers every outcome; only building or sending the answer can land here.
        this.deps.log.error({ err, command: name }, 'command answer not sent');
      });
  }

  private onCentreState(state: CentreState): void {
    if (state === this.centre) return;
    this.deps.log.info({ centre: state }, 'centre state changed');
    this.centre = state;
    this.deps.onLinkChange?.({ connected: this.connected, centre: state });
    this.publishAllState();
  }

  publishMetrics(): void {
    const repo = this.deps.outbox.repo;
    const payload = metricsPayload(
      this.deps.cameras(),
      {
        uptimeS: Math.round(process.uptime()),
        outboxDepth: repo.depth,
        outboxBytes: repo.bytes,
        outboxDropped: this.deps.outbox.dropped,
        rssBytes: process.memoryUsage().rss,
      },
      this.nowIso(),
    );
    if (!this.connected) {
      const now = this.deps.clock.now();
      this.offlineMetrics.add(payload.cameras, now);
      this.recordHours(this.offlineMetrics.take(now));
      return;
    }
    // QoS 0 with an expiry: a stale figure is worse than none; offline hours go as metrics.hourly.
    const opts: IClientPublishOptions = { qos: 0, retain: false };
    if (this.deps.mqtt.protocolVersion === 5) {
      opts.properties = { messageExpiryInterval: this.deps.mqtt.metricsSeconds * 2 };
    }
    this.publishRaw(this.topics.metrics, JSON.stringify(payload), opts);
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

  private statusPayload(state: StatusPayload['state']): StatusPayload {
    return {
      state,
      bdSeq: this.bdSeq,
      bootId: this.deps.bootId,
      version: this.deps.version,
      ts: this.nowIso(),
    };
  }

  private publish(topic: string, payload: object, qos: 0 | 1, retain: boolean): void {
    this.publishRaw(topic, JSON.stringify(payload), { qos, retain });
  }

  private publishRaw(topic: string, payload: string, opts: IClientPublishOptions): void {
    const s = this.session;
    if (!s || s.closed.aborted) return;
    s.client.publish(topic, payload, opts, (err) => {
      if (err && !s.closed.aborted) this.deps.log.warn({ err, topic }, 'publish failed');
    });
  }

  private nowIso(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }
}
