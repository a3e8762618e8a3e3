import type { IClientOptions, IClientPublishOptions } from 'mqtt';
import type { UplinkOutageCause } from '../shared/causes.js';
import type { Clock, TimerHandle } from '../shared/clock.js';
import type { Log } from '../shared/log.js';
import type { Service } from '../shared/service.js';
import type { CameraStatusRow, CentreState } from '../shared/types.js';
import { brokerUrls, clientIdFor, clientOptions, type MqttConfig } from './clientOptions.js';
import type { CommandHandlers } from './commands.js';
import { BrokerConnection, type Session } from './connection.js';
import { OutboxDrainer } from './drainer.js';
import type { EventOutbox, RecordedEvent } from './eventOutbox.js';
import { listen } from './inbound.js';
import type { StatusPayload, SummaryPayload } from './payloads.js';
import { raceTimeout } from './raceTimeout.js';
import { cameraStatePayload, type PlannedCounts, summaryPayload } from './statePayloads.js';
import { StatePublisher } from './statePublisher.js';
import { type Topics, topicsFor } from './topics.js';
import { UplinkMetrics } from './uplinkMetrics.js';
import { uplinkStatus } from './uplinkStatus.js';

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
  /** One camera's row without reading them all (a mass stall republishes 1,024 cameras one by one). */
  readonly camera?: (cameraId: string) => CameraStatusRow | undefined;
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
  private readonly metrics: UplinkMetrics;
  private readonly states: StatePublisher;

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
    this.states = new StatePublisher({
      clock: deps.clock,
      ids: () => deps.cameras().map((r) => r.cameraId),
      publishOne: (id) => this.publishCamera(id),
    });
    this.metrics = new UplinkMetrics({
      mqtt: deps.mqtt,
      clock: deps.clock,
      log: deps.log,
      outbox: deps.outbox,
      cameras: deps.cameras,
      topic: this.topics.metrics,
      connected: () => this.connected,
      send: (topic, payload, opts) => this.publishRaw(topic, payload, opts),
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
    this.timers.push(clock.setInterval(() => void this.publishAllState(), mqtt.heartbeatSeconds * 1000));
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
    const row = this.deps.camera
      ? this.deps.camera(cameraId)
      : this.deps.cameras().find((r) => r.cameraId === cameraId);
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

  /** Every camera's retained state, in slices (`StatePublisher`), then the summary. */
  async publishAllState(): Promise<void> {
    if (await this.states.publishAll()) this.publishSummary();
  }

  /** Birth again plus all retained state (the `rebirth` command; the centre lost its retained view). */
  async rebirth(): Promise<{ bdSeq: number }> {
    this.publish(this.topics.status, this.statusPayload('online'), 1, true);
    await this.publishAllState();
    return { bdSeq: this.bdSeq };
  }

  status(): Record<string, unknown> {
    const link = {
      connected: this.connected,
      broker: this.broker,
      connectedSince: this.connectedSince,
      lastError: this.connection.lastErrorText,
      bdSeq: this.bdSeq,
      centre: this.centre,
    };
    return uplinkStatus(link, this.deps.outbox, this.drainer.stats());
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
    listen(session, {
      topics: this.topics,
      mqtt: this.deps.mqtt,
      clock: this.deps.clock,
      log: this.deps.log,
      // rebirth is the uplink's own; the rest come from the modules that can do them.
      handlers: { rebirth: () => this.rebirth(), ...this.deps.handlers },
      signal: this.abort.signal,
      onCentreState: (state) => this.onCentreState(state),
      send: (topic, payload, opts) => this.publishRaw(topic, payload, opts),
    });
    this.deps.onLinkChange?.({ connected: true, centre: this.centre });
    // Order matters: birth, then current retained state, then the backlog (drainer).
    this.publish(this.topics.status, this.statusPayload('online'), 1, true);
    const drain = async (): Promise<void> => {
      await this.publishAllState();
      // The offline hours (the current partial one too) join the backlog the drain is about to
      // send. Summed here, in a task of their own, not in the CONNACK's: 1,024 cameras' hours and
      // their commits made that task the longest of a reconnect (#14). A session lost before this
      // leaves them in the aggregate for the next one.
      await this.deps.clock.sleep(0);
      if (session.closed.aborted) return;
      this.metrics.recordOffline();
      await this.drainer.run(session);
    };
    drain().catch((err: unknown) => {
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

  private onCentreState(state: CentreState): void {
    if (state === this.centre) return;
    this.deps.log.info({ centre: state }, 'centre state changed');
    this.centre = state;
    this.deps.onLinkChange?.({ connected: this.connected, centre: state });
    void this.publishAllState();
  }

  /** One metrics sample: published while connected, kept as offline hours otherwise. */
  publishMetrics(): void {
    this.metrics.publish();
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
