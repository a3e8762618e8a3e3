import type { Kysely } from 'kysely';
import { computeFigure, type FigureOptions } from './figures.js';
import type { DayFigure, Figure } from './model.js';
import type { Registry } from './registry.js';
import { saveDay } from './store/dayFigures.js';
import { currentPicture, pictureAt } from './store/pictureRepo.js';
import type { CentreDb } from './store/schema.js';

/**
 * Daily history of the figure: one snapshot per UTC day, taken at the day's end (today: at the
 * latest snapshot). A closed day is computed from the state logs, so it can be reproduced later
 * ("62% on 7 March"), and recomputed when historical events replayed after an outage change it.
 * The days themselves are kept by store/dayFigures.ts.
 */

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

/** Every UTC day from `from` to `to` inclusive (YYYY-MM-DD). */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}
