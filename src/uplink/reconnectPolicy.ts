import { Backoff } from '../shared/backoff.js';

/** A session this long was a real one: its drop is the broker's (restart, network), not a refusal of us. */
export const STABLE_SESSION_MS = 30_000;

export interface ReconnectPolicyOptions {
  /** The first reconnect after a stable session drops is uniform over [0, window]. */
  readonly windowMs: number;
  readonly capMs: number;
  readonly random?: () => number;
}

/**
 * When to try the broker again. After a stable session drops, every gateway of a region sees the
 * same drop at the same moment (the central broker restarted): the first retry is spread uniformly
 * over the window and later ones back off exponentially with full jitter from the window up to the
 * cap, so 2,000 gateways arrive at ~window/2,000 intervals instead of within a quarter second
 * (before: reset to 500 ms ± 50 %). A connection that never became stable (start-up, a broker
 * that accepts and drops us) backs off from 500 ms with full jitter, without the window's wait.
 */
export class ReconnectPolicy {
  private readonly quick: Backoff;
  private readonly spread: Backoff;
  private spreading = false;

  constructor(options: ReconnectPolicyOptions) {
    const random = options.random ?? Math.random;
    const cap = Math.max(options.capMs, options.windowMs);
    this.quick = new Backoff({ initialMs: 500, maxMs: options.capMs, jitter: 1, random });
    this.spread = new Backoff({ initialMs: options.windowMs, maxMs: cap, jitter: 1, random });
  }

  /** Attempts since the last reset (for logs). */
  get attempts(): number {
    return this.spreading ? this.spread.attempts : this.quick.attempts;
  }

  /** The connection closed; `sessionMs` is how long it had been established (undefined: never). */
  closed(sessionMs: number | undefined): void {
    if (sessionMs === undefined || sessionMs < STABLE_SESSION_MS) return;
    this.spreading = true;
    this.spread.reset();
    this.quick.reset();
  }

  /** Delay before the next attempt. */
  nextDelayMs(): number {
    return this.spreading ? this.spread.next() : this.quick.next();
  }
}
