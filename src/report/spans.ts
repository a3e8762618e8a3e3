/** Half-open time spans `[fromMs, toMs)` and the few set operations the report needs. */
export interface Span {
  readonly fromMs: number;
  readonly toMs: number;
}

export function clip(span: Span, to: Span): Span | undefined {
  const fromMs = Math.max(span.fromMs, to.fromMs);
  const toMs = Math.min(span.toMs, to.toMs);
  return toMs > fromMs ? { fromMs, toMs } : undefined;
}

/** Sorted, non-overlapping, adjacent spans merged. */
export function union(spans: readonly Span[]): Span[] {
  const sorted = spans.filter((s) => s.toMs > s.fromMs).sort((a, b) => a.fromMs - b.fromMs);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.fromMs <= last.toMs)
      out[out.length - 1] = { fromMs: last.fromMs, toMs: Math.max(last.toMs, s.toMs) };
    else out.push({ fromMs: s.fromMs, toMs: s.toMs });
  }
  return out;
}

export function total(spans: readonly Span[]): number {
  return union(spans).reduce((sum, s) => sum + (s.toMs - s.fromMs), 0);
}

export function contains(spans: readonly Span[], t: number): boolean {
  return spans.some((s) => t >= s.fromMs && t < s.toMs);
}

/** The parts of `within` not covered by `spans`. */
export function complement(spans: readonly Span[], within: Span): Span[] {
  const out: Span[] = [];
  let cursor = within.fromMs;
  for (const s of union(spans)) {
    const c = clip(s, within);
    if (!c) continue;
    if (c.fromMs > cursor) out.push({ fromMs: cursor, toMs: c.fromMs });
    cursor = Math.max(cursor, c.toMs);
  }
  if (cursor < within.toMs) out.push({ fromMs: cursor, toMs: within.toMs });
  return out;
}
