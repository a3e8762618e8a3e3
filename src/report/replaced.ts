import type { ReplacedSummary, ReportInput } from './model.js';

/** Replacements per camera id within the window; undefined when the database does not track them. */
export function replacementsByCamera(input: ReportInput): ReadonlyMap<string, number> | undefined {
  if (!input.inventory) return undefined;
  const counts = new Map<string, number>();
  for (const c of input.inventory.changes) {
    if (c.type !== 'replaced' || c.atMs < input.window.fromMs || c.atMs >= input.window.toMs) continue;
    counts.set(c.cameraId, (counts.get(c.cameraId) ?? 0) + 1);
  }
  return counts;
}

/** The report's `replaced` block: the total, and whether the window reaches back before tracking began. */
export function replacedSummary(input: ReportInput, total: number): ReplacedSummary {
  const history = input.inventory;
  if (!history) {
    return {
      tracked: false,
      note: 'not tracked: this database predates inventory change tracking',
    };
  }
  const { sinceMs } = history;
  const partial = sinceMs === null || sinceMs > input.window.fromMs;
  const note = !partial
    ? `${total} in the window`
    : sinceMs === null
      ? `${total} recorded; when recording began is unknown, so earlier replacements may be missing`
      : `${total} recorded since ${new Date(sinceMs).toISOString()}; replacements before then are not in the database`;
  return { tracked: true, sinceMs, total, note };
}
