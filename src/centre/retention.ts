import type { Kysely } from 'kysely';
import type { Log } from '../shared/log.js';
import type { FigureOptions } from './figures.js';
import { dayEnd, daysBetween, recomputeDay } from './history.js';
import type { Registry } from './registry.js';
import { storedDays } from './store/dayFigures.js';
import { firstRawDay, type PruneResult, prunedBefore, pruneRaw } from './store/prune.js';
import type { CentreDb } from './store/schema.js';

export interface RetentionDeps {
  readonly db: Kysely<CentreDb>;
  readonly registry: Registry;
  readonly options: FigureOptions;
  readonly log: Log;
  /** `retention.rawDays`; 0 keeps everything. */
  readonly rawDays: number;
}

const DAY_MS = 86_400_000;

/**
 * Prunes the raw history older than `rawDays` whole UTC days before today, once per day (an
 * unchanged horizon is a no-op, so every worker may run it). Before any raw row goes, every closed
 * day it covers gets its daily figure stored (a day the centre was not running has none yet), so
 * the figure of each pruned day survives as that aggregate. Returns what was pruned, or undefined.
 */
export async function applyRetention(deps: RetentionDeps, nowIso: string): Promise<PruneResult | undefined> {
  if (deps.rawDays === 0) return undefined;
  const today = nowIso.slice(0, 10);
  const cutoffDay = new Date(Date.parse(`${today}T00:00:00Z`) - deps.rawDays * DAY_MS)
    .toISOString()
    .slice(0, 10);
  const before = `${cutoffDay}T00:00:00.000Z`;
  const horizon = await prunedBefore(deps.db);
  if (horizon !== null && horizon >= before) return undefined;
  const first = await firstRawDay(deps.db);
  if (first !== null && first < cutoffDay) {
    const lastDay = new Date(Date.parse(before) - DAY_MS).toISOString().slice(0, 10);
    const from = horizon !== null && horizon.slice(0, 10) > first ? horizon.slice(0, 10) : first;
    const stored = new Set((await storedDays(deps.db, from, lastDay)).map((d) => d.day));
    for (const day of daysBetween(from, lastDay)) {
      if (!stored.has(day)) await recomputeDay(deps.db, deps.registry, day, nowIso, deps.options);
    }
  }
  const result = await pruneRaw(deps.db, before);
  deps.log.info({ ...result, rawDays: deps.rawDays }, 'raw history pruned; daily figures kept');
  return result;
}

/** True when the figure of `day` can no longer be recomputed from the logs (they were pruned). */
export function beforeHorizon(day: string, horizon: string | null): boolean {
  return horizon !== null && dayEnd(day) < horizon;
}
