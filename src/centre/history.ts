import type { Kysely } from 'kysely';
import { computeFigure, type FigureOptions } from './figures.js';
import type { Figure, GroupFigure, SiteCause } from './model.js';
import type { Registry } from './registry.js';
import { currentPicture, pictureAt } from './store/pictureRepo.js';
import type { CentreDb } from './store/schema.js';

/**
 * Daily history of the figure: one snapshot per UTC day, taken at the day's end (today: at the
 * latest snapshot). A closed day is computed from the state logs, so it can be reproduced later
 * ("62% on 7 March"), and recomputed when historical events replayed after an outage change it.
 */
export interface DayFigure {
  readonly day: string;
  readonly at: string;
  readonly national: GroupFigure;
  readonly regions: readonly GroupFigure[];
  readonly districts: readonly GroupFigure[];
  readonly kinds: readonly GroupFigure[];
  readonly sites: ReadonlyArray<{
    readonly siteId: string;
    readonly integrated: boolean;
    readonly fullyIntegrated: boolean;
    readonly cause: SiteCause | null;
  }>;
}

export function dayEnd(day: string): string {
  return `${day}T23:59:59.999Z`;
}

export function compact(day: string, f: Figure): DayFigure {
  return {
    day,
    at: f.at,
    national: f.national,
    regions: f.regions,
    districts: f.districts,
    kinds: f.kinds,
    sites: f.sites.map((s) => ({
      siteId: s.siteId,
      integrated: s.integrated,
      fullyIntegrated: s.fullyIntegrated,
      cause: s.cause,
    })),
  };
}

/** The live figure, from the current tables. */
export async function liveFigure(
  db: Kysely<CentreDb>,
  registry: Registry,
  nowIso: string,
  options: FigureOptions,
): Promise<Figure> {
  return computeFigure(registry, await currentPicture(db, nowIso), options);
}

/** The figure at any past instant, from the logs. */
export async function figureAt(
  db: Kysely<CentreDb>,
  registry: Registry,
  at: string,
  options: FigureOptions,
): Promise<Figure> {
  return computeFigure(registry, await pictureAt(db, at), options);
}

export async function saveDay(db: Kysely<CentreDb>, day: DayFigure, computedAt: string): Promise<void> {
  const row = { at: day.at, computed_at: computedAt, payload: JSON.stringify(day) };
  await db
    .insertInto('day_figures')
    .values({ day: day.day, ...row })
    .onConflict((oc) => oc.column('day').doUpdateSet(row))
    .execute();
}

/** Recomputes a closed day from the logs (its end instant) and stores it. */
export async function recomputeDay(
  db: Kysely<CentreDb>,
  registry: Registry,
  day: string,
  nowIso: string,
  options: FigureOptions,
): Promise<DayFigure> {
  const f = await figureAt(db, registry, dayEnd(day), options);
  const d = compact(day, f);
  await saveDay(db, d, nowIso);
  return d;
}

export async function storedDays(db: Kysely<CentreDb>, from: string, to: string): Promise<DayFigure[]> {
  const rows = await db
    .selectFrom('day_figures')
    .select('payload')
    .where('day', '>=', from)
    .where('day', '<=', to)
    .orderBy('day')
    .execute();
  return rows.map((r) => JSON.parse(r.payload) as DayFigure);
}

/** Every UTC day from `from` to `to` inclusive (YYYY-MM-DD). */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}
