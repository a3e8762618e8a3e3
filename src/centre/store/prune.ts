import { type Kysely, sql } from 'kysely';
import { writeTransaction } from './openDb.js';
import type { CentreDb } from './schema.js';

/**
 * Retention of the raw history (`retention.rawDays`): state-log rows, events and periods older
 * than the horizon are deleted; the daily figures (`day_figures`) are kept for ever, so "62 % on
 * 7 March" stays reproducible after its raw rows are gone. Each gateway's and camera's last
 * logged state at or before the horizon is kept: it is the starting state of every later instant.
 * The horizon is recorded (`meta.pruned_before`): a past instant before it is answered from the
 * daily figures only, never from a log that is no longer whole.
 */
export interface PruneResult {
  readonly before: string;
  readonly cameraLog: number;
  readonly gatewayLog: number;
  readonly events: number;
  readonly periods: number;
}

const PRUNED_BEFORE = 'pruned_before';

/** The instant before which the raw history may be incomplete, or null if nothing was ever pruned. */
export async function prunedBefore(db: Kysely<CentreDb>): Promise<string | null> {
  const row = await db.selectFrom('meta').select('value').where('key', '=', PRUNED_BEFORE).executeTakeFirst();
  return row?.value ?? null;
}

/** The earliest day any raw row speaks of (the first day with a figure to keep), or null. */
export async function firstRawDay(db: Kysely<CentreDb>): Promise<string | null> {
  const rows = await Promise.all([
    db.selectFrom('gateway_log').select(sql<string>`min(at)`.as('m')).executeTakeFirst(),
    db.selectFrom('camera_log').select(sql<string>`min(at)`.as('m')).executeTakeFirst(),
  ]);
  const first = rows
    .map((r) => r?.m)
    .filter((m): m is string => typeof m === 'string')
    .sort()[0];
  return first?.slice(0, 10) ?? null;
}

/** Deletes raw rows older than `before` (ISO), keeping the state at `before`; one transaction. */
export async function pruneRaw(db: Kysely<CentreDb>, before: string): Promise<PruneResult> {
  return writeTransaction(db, async (trx) => {
    const cameraLog = await trx
      .deleteFrom('camera_log as c')
      .where('c.at', '<', before)
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('camera_log as d')
            .select(sql<number>`1`.as('one'))
            .whereRef('d.gateway_id', '=', 'c.gateway_id')
            .whereRef('d.camera_id', '=', 'c.camera_id')
            .whereRef('d.at', '>', 'c.at')
            .where('d.at', '<=', before),
        ),
      )
      .executeTakeFirst();
    const gatewayLog = await trx
      .deleteFrom('gateway_log as g')
      .where('g.at', '<', before)
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('gateway_log as h')
            .select(sql<number>`1`.as('one'))
            .whereRef('h.gateway_id', '=', 'g.gateway_id')
            .whereRef('h.at', '>', 'g.at')
            .where('h.at', '<=', before),
        ),
      )
      .executeTakeFirst();
    const events = await trx
      .deleteFrom('events')
      .where('ts', '<', before)
      .where('received_at', '<', before)
      .executeTakeFirst();
    const periods = await trx.deleteFrom('periods').where('to_at', '<', before).executeTakeFirst();
    const old = await prunedBefore(trx);
    if (old === null || old < before) {
      await trx
        .insertInto('meta')
        .values({ key: PRUNED_BEFORE, value: before })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: before }))
        .execute();
    }
    const n = (r: { numDeletedRows: bigint } | undefined): number => Number(r?.numDeletedRows ?? 0n);
    return {
      before,
      cameraLog: n(cameraLog),
      gatewayLog: n(gatewayLog),
      events: n(events),
      periods: n(periods),
    };
  });
}
