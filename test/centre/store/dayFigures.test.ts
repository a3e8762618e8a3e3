import { describe, expect, it } from 'vitest';
import type { DayFigure } from '../../../src/centre/model.js';
import { saveDay, storedDays } from '../../../src/centre/store/dayFigures.js';
import { openCentreDb } from '../../../src/centre/store/openDb.js';
import { useTempDir } from '../../helpers/tempDir.js';
import { deferCleanup } from '../../helpers/testCleanup.js';
import { STORES, useStores } from '../pg.js';

/** The daily figures history.ts keeps, on every driver the centre runs on. */
const freshStore = useStores();

const group = (key: string, pct: number) => ({
  key,
  sites: 1,
  sitesIntegrated: pct === 100 ? 1 : 0,
  sitesFullyIntegrated: 0,
  sitesUnknown: 0,
  pct,
  cameras: {
    planned: { overview: 1, panoramic: 0, lpr: 0, total: 1 },
    installed: { overview: 1, panoramic: 0, lpr: 0, total: 1 },
    working: { overview: 1, panoramic: 0, lpr: 0, total: 1 },
    integrated: { overview: 1, panoramic: 0, lpr: 0, total: 1 },
  },
  causes: [],
});

const day = (d: string, pct: number): DayFigure => ({
  day: d,
  at: `${d}T23:59:59.999Z`,
  national: group('national', pct),
  regions: [group('R', pct)],
  districts: [],
  kinds: [],
  sites: [
    {
      siteId: 's1',
      integrated: pct === 100,
      fullyIntegrated: false,
      cause: pct === 100 ? null : 'cameras_down',
    },
  ],
});

describe.each(STORES)('daily figures in the centre store, $driver', ({ driver }) => {
  const open = async () => {
    const db = await openCentreDb(await freshStore(driver, `${useTempDir('camgate-centre-')}/h.db`));
    deferCleanup(() => db.destroy());
    return db;
  };

  it('a recomputed day replaces its stored figure; a range is inclusive and oldest first', async () => {
    const db = await open();
    await saveDay(db, day('2026-03-08', 100), '2026-03-09T00:00:01.000Z');
    await saveDay(db, day('2026-03-07', 100), '2026-03-08T00:00:01.000Z');
    await saveDay(db, day('2026-03-09', 100), '2026-03-10T00:00:01.000Z');
    // Historical events replayed after an outage: 7 March recomputed as not integrated.
    await saveDay(db, day('2026-03-07', 0), '2026-06-01T08:00:00.000Z');

    const all = await storedDays(db, '2026-03-07', '2026-03-09');
    expect(all.map((d) => [d.day, d.national.pct])).toEqual([
      ['2026-03-07', 0],
      ['2026-03-08', 100],
      ['2026-03-09', 100],
    ]);
    expect(all[0]).toEqual(day('2026-03-07', 0));
    expect((await storedDays(db, '2026-03-08', '2026-03-08')).map((d) => d.day)).toEqual(['2026-03-08']);
    const computed = await db
      .selectFrom('day_figures')
      .select('computed_at')
      .where('day', '=', '2026-03-07')
      .execute();
    expect(computed).toEqual([{ computed_at: '2026-06-01T08:00:00.000Z' }]);
  });
});
