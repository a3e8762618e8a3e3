import type { Kysely } from 'kysely';
import type { DayFigure } from '../model.js';
import type { CentreDb } from './schema.js';

/**
 * The daily figures (`day_figures`): one row a UTC day, the day's figure as JSON. A recomputed day
 * (historical events replayed after an outage) replaces its row; retention never deletes them.
 */
export async function saveDay(db: Kysely<CentreDb>, day: DayFigure, computedAt: string): Promise<void> {
  const row = { at: day.at, computed_at: computedAt, payload: JSON.stringify(day) };
  await db
    .insertInto('day_figures')
    .values({ day: day.day, ...row })
    .onConflict((oc) => oc.column('day').doUpdateSet(row))
    .execute();
}

/** The stored daily figures from `from` to `to` inclusive (YYYY-MM-DD), oldest first. */
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
