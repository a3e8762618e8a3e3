import type { Interrogation } from './interrogate.js';
import type { InventoryEvent } from './inventory.js';

/** What one applied sweep did, for the log and `camgate status`. */
export interface SweepSummary {
  readonly at: string;
  readonly durationMs: number;
  readonly found: number;
  readonly problems: number;
  readonly events: Readonly<Record<InventoryEvent['type'], number>>;
}

export function sweepSummary(
  results: readonly Interrogation[],
  events: readonly InventoryEvent[],
  at: string,
  durationMs: number,
): SweepSummary {
  const count = (t: InventoryEvent['type']): number => events.filter((e) => e.type === t).length;
  return {
    at,
    durationMs,
    found: results.length,
    problems: results.filter((r) => r.problem).length,
    events: {
      'camera.added': count('camera.added'),
      'camera.replaced': count('camera.replaced'),
      'camera.removed': count('camera.removed'),
      'camera.updated': count('camera.updated'),
    },
  };
}
