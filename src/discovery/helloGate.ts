/**
 * Admission of WS-Discovery Hellos to interrogation. Anything on the camera LAN can send Hellos
 * (a Hello whose XAddr is its own source address passes the spoof check), and each one used to
 * start an interrogation that sends credentials and may add a camera: a flood made the gateway
 * interrogate without end. Pure: time comes in as `nowMs`.
 */
export interface HelloGateOptions {
  /** One interrogation per source address per this many ms. */
  readonly perSourceMs: number;
  /** At most this many interrogations per minute, whatever the sources. */
  readonly globalPerMinute: number;
  /** At most this many at once. */
  readonly maxInFlight: number;
  /** Sources remembered for the per-source limit (oldest forgotten first). */
  readonly maxSources?: number;
}

export type HelloVerdict = 'admit' | 'in_flight' | 'source_limited' | 'global_limited' | 'busy';

export class HelloGate {
  private readonly lastBySource = new Map<string, number>();
  private readonly inFlight = new Set<string>();
  private recent: number[] = [];
  private readonly counts: Record<HelloVerdict, number> = {
    admit: 0,
    in_flight: 0,
    source_limited: 0,
    global_limited: 0,
    busy: 0,
  };

  constructor(private readonly options: HelloGateOptions) {}

  /** Decides for one Hello; an admitted one must be released with `done`. */
  admit(source: string, key: string, nowMs: number): HelloVerdict {
    const verdict = this.decide(source, key, nowMs);
    this.counts[verdict] += 1;
    if (verdict !== 'admit') return verdict;
    this.inFlight.add(key);
    this.recent.push(nowMs);
    this.lastBySource.delete(source);
    this.lastBySource.set(source, nowMs);
    const max = this.options.maxSources ?? 4096;
    while (this.lastBySource.size > max) {
      const oldest = this.lastBySource.keys().next().value;
      if (oldest === undefined) break;
      this.lastBySource.delete(oldest);
    }
    return verdict;
  }

  done(key: string): void {
    this.inFlight.delete(key);
  }

  /** Hellos by verdict since start (status). */
  stats(): Readonly<Record<HelloVerdict, number>> {
    return { ...this.counts };
  }

  private decide(source: string, key: string, nowMs: number): HelloVerdict {
    if (this.inFlight.has(key)) return 'in_flight';
    const last = this.lastBySource.get(source);
    if (last !== undefined && nowMs - last < this.options.perSourceMs) return 'source_limited';
    this.recent = this.recent.filter((t) => nowMs - t < 60_000);
    if (this.recent.length >= this.options.globalPerMinute) return 'global_limited';
    if (this.inFlight.size >= this.options.maxInFlight) return 'busy';
    return 'admit';
  }
}
