/**
 * Exponential backoff with full jitter and a cap, shared by every supervisor loop (RTSP sessions,
 * recorders, MQTT reconnect). `reset()` after a success; `next()` gives the next delay in ms.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor?: number;
  /** 0..1: share of the delay that is randomised (1 = full jitter). */
  jitter?: number;
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly random: () => number;

  constructor(private readonly options: BackoffOptions) {
    this.factor = options.factor ?? 2;
    this.jitter = options.jitter ?? 0.5;
    this.random = options.random ?? Math.random;
  }

  get attempts(): number {
    return this.attempt;
  }

  next(): number {
    const base = Math.min(this.options.maxMs, this.options.initialMs * this.factor ** this.attempt);
    this.attempt += 1;
    const spread = base * this.jitter;
    return Math.round(base - spread + this.random() * spread);
  }

  reset(): void {
    this.attempt = 0;
  }
}
