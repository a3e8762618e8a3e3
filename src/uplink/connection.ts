import type { IClientOptions } from 'mqtt';
import { connect, type IConnackPacket, type MqttClient } from 'mqtt';
import type { UplinkOutageCause } from '../shared/causes.js';
import type { Clock, TimerHandle } from '../shared/clock.js';
import { CamgateError } from '../shared/errors.js';
import type { Log } from '../shared/log.js';
import { safeUrl } from '../shared/redact.js';
import { linkFailureCause } from './linkCause.js';
import { raceTimeout } from './raceTimeout.js';
import { ReconnectPolicy } from './reconnectPolicy.js';

export interface Session {
  readonly client: MqttClient;
  readonly broker: string;
  readonly connack: IConnackPacket;
  /** Aborted when this session's connection closes. */
  readonly closed: AbortSignal;
  /** Ends the session for a reason the broker gave inside it (a PUBACK refusal): the outage's cause. */
  readonly fail: (err: Error) => void;
}

export interface ConnectionDeps {
  readonly clock: Clock;
  readonly log: Log;
  readonly urls: readonly string[];
  /** Fresh options per attempt: the will carries the attempt's bdSeq. */
  readonly options: () => IClientOptions;
  readonly onSession: (session: Session) => void;
  /**
   * The link is not up: an established session closed, or an attempt failed before one was made.
   * `cause` classifies the last error (uplink outages, issue #12).
   */
  readonly onDown: (detail: string, cause: UplinkOutageCause, established: boolean) => void;
  /** Spread of the first reconnect after a stable session drops (mqtt.reconnectWindowSeconds). */
  readonly reconnectWindowMs?: number;
  readonly reconnectCapMs?: number;
  readonly random?: () => number;
}

/**
 * One MQTT connection with our own reconnect loop: a new mqtt.js client per attempt (so the will
 * and the broker URL can change), brokers tried in turn, and the delays of `ReconnectPolicy`
 * (spread over a window after a stable session drops, full-jitter exponential otherwise).
 */
export class BrokerConnection {
  private client: MqttClient | undefined;
  private timer: TimerHandle | undefined;
  private urlIndex = 0;
  private stopped = false;
  private readonly policy: ReconnectPolicy;
  private lastError: string | undefined;
  private lastErr: unknown;

  constructor(private readonly deps: ConnectionDeps) {
    this.policy = new ReconnectPolicy({
      windowMs: deps.reconnectWindowMs ?? 30_000,
      capMs: deps.reconnectCapMs ?? 60_000,
      random: deps.random,
    });
  }

  get current(): MqttClient | undefined {
    return this.client;
  }

  get lastErrorText(): string | undefined {
    return this.lastError;
  }

  start(): void {
    this.attempt();
  }

  /** Ends the current client after `beforeEnd` (e.g. the clean-stop `offline`) has been sent. */
  async stop(beforeEnd?: (client: MqttClient) => Promise<void>): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    if (!client.connected) {
      // Between attempts the client is already closed; a graceful end would wait for acks forever.
      client.end(true);
      return;
    }
    if (beforeEnd) {
      try {
        await beforeEnd(client);
      } catch (err) {
        this.deps.log.warn({ err }, 'final publish before disconnect failed');
      }
    }
    const ended = client.endAsync(false).catch((err: unknown) => {
      this.deps.log.debug({ err }, 'client end');
    });
    await raceTimeout(this.deps.clock, ended, 3000);
    client.end(true);
  }

  private attempt(): void {
    if (this.stopped) return;
    const url = this.deps.urls[this.urlIndex % this.deps.urls.length] ?? 'mqtt://127.0.0.1:1883';
    const broker = safeUrl(url);
    let options: IClientOptions;
    try {
      options = this.deps.options();
    } catch (err) {
      this.deps.log.error({ err, broker }, 'cannot build MQTT client options; will retry');
      const detail = err instanceof Error ? err.message : String(err);
      this.deps.onDown(detail, linkFailureCause(err), false);
      this.scheduleRetry(detail);
      return;
    }
    const client = connect(url, options);
    this.client = client;
    const closed = new AbortController();
    let established = false;
    let establishedAt = 0;
    client.on('connect', (connack) => {
      established = true;
      establishedAt = this.deps.clock.monotonic();
      this.lastError = undefined;
      this.lastErr = undefined;
      this.deps.log.info({ broker, sessionPresent: connack.sessionPresent }, 'connected to broker');
      const fail = (err: Error): void => {
        this.lastError = err.message;
        this.lastErr = err;
        client.end(true);
      };
      this.deps.onSession({ client, broker, connack, closed: closed.signal, fail });
    });
    client.on('error', (err) => {
      this.lastError = err.message;
      this.lastErr = err;
      this.deps.log.warn(
        { err: new CamgateError('MQTT', err.message, { cause: err }), broker },
        'MQTT error',
      );
    });
    client.once('close', () => {
      closed.abort(new CamgateError('MQTT', 'connection closed'));
      if (this.client !== client) return;
      client.removeAllListeners('connect');
      // A stale client must not reconnect or emit: end it without waiting for anything.
      client.end(true);
      const detail = this.lastError ?? (established ? 'connection lost' : 'connect failed');
      this.deps.onDown(detail, linkFailureCause(this.lastErr), established);
      // Only a stable session's drop starts a spread window: a broker that accepts and then drops
      // us (ACL refusal, session takeover) keeps backing off instead.
      this.policy.closed(established ? this.deps.clock.monotonic() - establishedAt : undefined);
      if (!established) this.urlIndex += 1;
      this.scheduleRetry(detail);
    });
  }

  private scheduleRetry(detail: string): void {
    if (this.stopped) return;
    const delay = this.policy.nextDelayMs();
    this.deps.log.warn({ delayMs: delay, attempt: this.policy.attempts, detail }, 'MQTT reconnect scheduled');
    this.timer = this.deps.clock.setTimeout(() => this.attempt(), delay);
  }
}
