import type { BootSpanRow, ClockStepRow, FirstVerdictRow } from '../store/reportRepo.js';
import type { InventoryChangeEvent, ReportCamera, UnseenSpan } from './model.js';
import { clip, complement, type Span } from './spans.js';

/**
 * Per camera and boot, the time before its first verdict: every boot starts a camera `unknown`
 * and only a transition ends that. Up to 0.5.0 it counted as uptime, so a camera that answered
 * ONVIF but never gave a stream URI was reported 100 % up. A boot without an id says nothing.
 *
 * Wall clocks step at boot (an RTC-less box starts in 1970, a fast RTC is stepped back by NTP).
 * The span ends at the verdict and starts at the boot's start moved by the steps recorded before
 * the verdict, so both ends are in the verdict's clock; and it never leaves its own boot's
 * observed span nor enters another boot's (unknown outranks down: a 1970 boot's span would
 * otherwise hide the previous boot's outages). A verdict stamped before its boot's start leaves
 * no span: the clock stepped back and that boot's recorded start is not in the verdict's clock.
 */
export function unseenSpans(
  cameras: readonly ReportCamera[],
  boots: readonly BootSpanRow[],
  verdicts: readonly FirstVerdictRow[],
  steps: readonly ClockStepRow[],
  window: Span,
  removals: readonly InventoryChangeEvent[] = [],
): UnseenSpan[] {
  // Plain loops and a map per boot: a crash-looping daemon gives a span per camera and boot.
  const first = new Map<string, Map<string, number>>();
  for (const v of verdicts) {
    if (v.retracked) continue;
    const boot = first.get(v.bootId) ?? new Map<string, number>();
    first.set(v.bootId, boot.set(v.cameraId, Date.parse(v.at)));
  }
  const regions = ownRegions(boots, bootSpans(boots, steps));
  const out: UnseenSpan[] = [];
  for (const [i, b] of boots.entries()) {
    const own = (regions[i] ?? []).flatMap((r) => clip(r, window) ?? []);
    if (b.bootId === undefined || own.length === 0) continue;
    const bootSteps = steps.filter((s) => s.bootId === b.bootId);
    const verdictOf = first.get(b.bootId);
    const end = Math.max(b.startedMs, b.lastAliveMs);
    for (const c of cameras) {
      const verdict = verdictOf?.get(c.id);
      const toMs = verdict === undefined || Number.isNaN(verdict) ? end : verdict;
      let shift = 0;
      for (const st of bootSteps) if (st.atMs <= toMs) shift += st.jumpMs;
      const span = { fromMs: Math.max(b.startedMs + shift, c.firstSeenMs), toMs };
      for (const r of own) {
        const part = clip(span, r);
        if (part) out.push({ cameraId: c.id, fromMs: part.fromMs, toMs: part.toMs });
      }
    }
  }
  return [...out, ...retrackedSpans(verdicts, removals, boots, regions, window)];
}

/**
 * A camera removed and added again within one boot is tracked anew from `unknown`
 * (app/healthService.ts): its next transition out of `unknown` ends a second stretch without a
 * verdict. The store does not record when tracking began again; it records the removal
 * (inventory_changes), so the stretch runs from the last removal since the camera's previous
 * verdict of that boot (the removed time itself is not up either). Without a recorded removal
 * (a database before migration 005, a removal outside the window) the start is not known and no
 * span is made: that stretch still counts as up.
 */
function retrackedSpans(
  verdicts: readonly FirstVerdictRow[],
  removals: readonly InventoryChangeEvent[],
  boots: readonly BootSpanRow[],
  regions: readonly Span[][],
  window: Span,
): UnseenSpan[] {
  const removed = removals.filter((r) => r.type === 'removed');
  if (removed.length === 0) return [];
  const region = new Map(boots.flatMap((b, i) => (b.bootId ? [[b.bootId, regions[i] ?? []] as const] : [])));
  const previous = new Map<string, number>();
  const out: UnseenSpan[] = [];
  for (const v of verdicts) {
    const key = `${v.bootId}\u0000${v.cameraId}`;
    const atMs = Date.parse(v.at);
    const since = previous.get(key);
    previous.set(key, atMs);
    if (!v.retracked || since === undefined || Number.isNaN(atMs)) continue;
    const starts = removed.filter((r) => r.cameraId === v.cameraId && r.atMs > since && r.atMs <= atMs);
    if (starts.length === 0) continue;
    const span = { fromMs: Math.max(...starts.map((r) => r.atMs)), toMs: atMs };
    for (const r of region.get(v.bootId) ?? []) {
      const part = clip(span, clip(r, window) ?? { fromMs: 0, toMs: 0 });
      if (part) out.push({ cameraId: v.cameraId, ...part });
    }
  }
  return out;
}

/**
 * Each boot from its start to its last-alive tick, in the clock of that tick: the start moved by
 * the steps recorded in the boot. An RTC-less box's boot started "in 1970" and a fast RTC's after
 * its real start; unmoved, the first claimed the whole history before it as watched (the reboot
 * gap as uptime), the second lost the time before the step.
 */
export function bootSpans(boots: readonly BootSpanRow[], steps: readonly ClockStepRow[]): Span[] {
  const shift = new Map<string, number>();
  for (const s of steps) shift.set(s.bootId, (shift.get(s.bootId) ?? 0) + s.jumpMs);
  return boots.map((b) => {
    const toMs = Math.max(b.startedMs, b.lastAliveMs);
    const fromMs = b.bootId === undefined ? b.startedMs : b.startedMs + (shift.get(b.bootId) ?? 0);
    return { fromMs: Math.min(fromMs, toMs), toMs };
  });
}

/**
 * Each boot's observed span less the spans of the boots started before it (by index into
 * `boots`): boots do not overlap unless a clock was wrong, and then the later one is the wrong one
 * (a boot "in 1970" claims all history before it). Without a start order, both give way.
 */
function ownRegions(boots: readonly BootSpanRow[], spans: readonly Span[]): Span[][] {
  const before = (i: number, j: number) => {
    const [a, b] = [boots[i]?.seq, boots[j]?.seq];
    return a === undefined || b === undefined || a < b;
  };
  const order = spans.map((_, i) => i).sort((a, b) => (spans[a]?.fromMs ?? 0) - (spans[b]?.fromMs ?? 0));
  const out: Span[][] = spans.map((s) => [s]);
  const reach: number[] = [];
  for (const [k, i] of order.entries()) {
    reach.push(Math.max(reach[k - 1] ?? Number.NEGATIVE_INFINITY, spans[i]?.toMs ?? 0));
  }
  order.forEach((i, k) => {
    const own = spans[i] as Span;
    const others: Span[] = [];
    // Sorted by start: later boots overlap only while they start before this one ends.
    for (let j = k + 1; j < order.length; j++) {
      const other = spans[order[j] as number] as Span;
      if (other.fromMs >= own.toMs) break;
      if (before(order[j] as number, i)) others.push(other);
    }
    // Earlier ones while the latest end before them reaches into this one (else none can).
    for (let j = k - 1; j >= 0 && (reach[j] ?? 0) > own.fromMs; j--) {
      const other = spans[order[j] as number] as Span;
      if (other.toMs > own.fromMs && before(order[j] as number, i)) others.push(other);
    }
    if (others.length > 0) out[i] = complement(others, own);
  });
  return out;
}
