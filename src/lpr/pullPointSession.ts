import { Backoff } from '../shared/backoff.js';
import type { Clock } from '../shared/clock.js';
import { CamgateError, errorMessage } from '../shared/errors.js';
import type { Log } from '../shared/log.js';
import type { PlateTopics } from './plateTopics.js';

/** What the session needs of an ONVIF event client (discovery/eventClient.ts, wired in app/). */
export interface EventSource {
  serviceUrl(deviceXaddr: string, signal?: AbortSignal): Promise<string>;
  topics(serviceUrl: string, signal?: AbortSignal): Promise<string[]>;
  subscribe(
    serviceUrl: string,
    terminationSeconds: number,
    signal?: AbortSignal,
  ): Promise<{ address: string; currentTime?: number; terminationTime?: number }>;
  pull(
    subscriptionUrl: string,
    timeoutSeconds: number,
    limit: number,
    signal?: AbortSignal,
  ): Promise<{
    currentTime?: number;
    terminationTime?: number;
    messages: readonly { topic: string; operation?: string }[];
  }>;
  /** The granted end and the camera's clock when it answered (both on the camera's clock). */
  renew(
    subscriptionUrl: string,
    terminationSeconds: number,
    signal?: AbortSignal,
  ): Promise<{ currentTime?: number; terminationTime?: number }>;
  unsubscribe(subscriptionUrl: string, signal?: AbortSignal): Promise<void>;
}

export interface PullPointTuning {
  readonly pullTimeoutSeconds: number;
  readonly subscriptionSeconds: number;
  readonly topicRecheckMs: number;
  readonly messageLimit: number;
  /** Backoff after a failure: first and longest wait. */
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
}

/** What the session tells its owner (the LprService). */
export type SessionReport =
  | { readonly type: 'noTopic'; readonly topics: number }
  | { readonly type: 'subscribed'; readonly plateTopics: readonly string[] }
  | { readonly type: 'pulled'; readonly reads: number; readonly topic?: string }
  | { readonly type: 'failed'; readonly code: string; readonly message: string };

export interface PullPointSessionDeps {
  readonly clock: Clock;
  readonly log: Log;
  readonly events: EventSource;
  readonly plates: PlateTopics;
  readonly tuning: PullPointTuning;
  readonly deviceXaddr: string;
  readonly report: (r: SessionReport) => void;
}

/** How long an Unsubscribe on stop may take: a wedged camera must not hold the daemon's shutdown. */
const UNSUBSCRIBE_MS = 2000;

/**
 * One LPR camera's PullPoint subscription, kept alive: find the event service, check that it
 * offers a plate topic, subscribe, pull in a loop (each pull a bounded long-poll), renew before the
 * subscription ends, and start over with backoff after any failure (a rebooted camera forgets its
 * subscriptions: the next pull faults or is refused). Unsubscribes on stop.
 */
export class PullPointSession {
  private failures = 0;
  private lastCode: string | undefined;

  constructor(private readonly deps: PullPointSessionDeps) {}

  async run(signal: AbortSignal): Promise<void> {
    const { clock, tuning } = this.deps;
    const backoff = new Backoff({ initialMs: tuning.retryInitialMs, maxMs: tuning.retryMaxMs });
    while (!signal.aborted) {
      let wait: number;
      try {
        wait = await this.once(signal, () => {
          backoff.reset();
          this.failures = 0;
        });
      } catch (err) {
        if (signal.aborted) break;
        this.failed(err);
        wait = backoff.next();
      }
      await clock.sleep(wait, signal).catch(() => undefined);
    }
  }

  /** One subscription's life; resolves with the wait before the next (no plate topic), throws on failure. */
  private async once(signal: AbortSignal, healthy: () => void): Promise<number> {
    const { events, plates, tuning, deviceXaddr, report } = this.deps;
    const url = await events.serviceUrl(deviceXaddr, signal);
    const all = await events.topics(url, signal);
    const plateTopics = plates.select(all);
    if (plateTopics.length === 0) {
      healthy();
      report({ type: 'noTopic', topics: all.length });
      return tuning.topicRecheckMs;
    }
    const sub = await events.subscribe(url, tuning.subscriptionSeconds, signal);
    healthy();
    report({ type: 'subscribed', plateTopics });
    this.deps.log.info({ topics: plateTopics }, 'lpr: subscribed to plate events');
    try {
      await this.pullLoop(sub, signal);
    } finally {
      if (signal.aborted) await this.unsubscribe(sub.address);
    }
    return 0;
  }

  private async pullLoop(
    sub: { address: string; currentTime?: number; terminationTime?: number },
    signal: AbortSignal,
  ): Promise<never> {
    const { clock, events, tuning, plates, report } = this.deps;
    // The camera's clock may be far off ours: keep the lifetime it granted, on our monotonic clock.
    const granted = (current?: number, end?: number): number =>
      clock.monotonic() +
      (current !== undefined && end !== undefined ? end - current : tuning.subscriptionSeconds * 1000);
    let expiresAt = granted(sub.currentTime, sub.terminationTime);
    const margin = (tuning.pullTimeoutSeconds + 10) * 1000;
    for (;;) {
      if (expiresAt - clock.monotonic() < margin) {
        // The granted end is on the camera's clock: measure it from the camera's CurrentTime, never
        // ours (a camera an hour ahead was otherwise never renewed again and its subscription lapsed).
        const r = await events.renew(sub.address, tuning.subscriptionSeconds, signal);
        expiresAt = granted(r.currentTime, r.terminationTime);
      }
      const asked = clock.monotonic();
      const r = await events.pull(sub.address, tuning.pullTimeoutSeconds, tuning.messageLimit, signal);
      // Some cameras ignore Timeout and answer an empty PullMessages at once: without a pause that
      // is back-to-back SOAP calls. An empty answer waits out half the long-poll before the next.
      const early = (tuning.pullTimeoutSeconds * 1000) / 2 - (clock.monotonic() - asked);
      if (r.messages.length === 0 && early > 0) await clock.sleep(early, signal);
      if (r.terminationTime !== undefined && r.currentTime !== undefined)
        expiresAt = granted(r.currentTime, r.terminationTime);
      // Initialized messages restate a property at subscription time; a plate read is a new event.
      const reads = r.messages.filter(
        (m) => m.operation !== 'Initialized' && plates.match(m.topic) !== undefined,
      );
      report({ type: 'pulled', reads: reads.length, topic: reads[0]?.topic });
    }
  }

  private async unsubscribe(address: string): Promise<void> {
    const ctrl = new AbortController();
    const timer = this.deps.clock.setTimeout(() => ctrl.abort(), UNSUBSCRIBE_MS);
    try {
      await this.deps.events.unsubscribe(address, ctrl.signal);
    } catch (err) {
      // The camera keeps it until it expires on its own (subscriptionSeconds): harmless.
      this.deps.log.debug({ err }, 'lpr: unsubscribe on stop failed');
    } finally {
      timer.cancel();
    }
  }

  /** Warn once per streak (and when the kind of failure changes); the rest at debug. */
  private failed(err: unknown): void {
    const code = err instanceof CamgateError ? err.code : 'INTERNAL';
    const message = errorMessage(err);
    this.failures += 1;
    const fields = { code, failures: this.failures, err: message };
    if (this.failures === 1 || code !== this.lastCode)
      this.deps.log.warn(fields, 'lpr: event service failed');
    else this.deps.log.debug(fields, 'lpr: event service still failing');
    this.lastCode = code;
    this.deps.report({ type: 'failed', code, message });
  }
}
