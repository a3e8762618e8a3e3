import { afterEach, describe, expect, it } from 'vitest';
import { silentLog } from '../../src/shared/log.js';
import { LprNoReadsRepo } from '../../src/store/lprNoReadsRepo.js';
import { PictureRepo } from '../../src/store/pictureRepo.js';
import { Store } from '../../src/store/store.js';

let store: Store | undefined;
afterEach(() => store?.close());

const rows = (s: Store, table: string) =>
  s.db
    .prepare(
      `SELECT camera_id, ${table === 'picture_degraded' ? 'reasons, ' : ''}started_at, ended_at, boot_id FROM ${table} ORDER BY id`,
    )
    .all();

describe('picture-degraded and lpr_no_reads periods (issue #17: the report counts them)', () => {
  it('a change of reasons ends the open period and starts the next; the same reasons again change nothing', () => {
    store = Store.open({ dir: ':memory:', log: silentLog() });
    const repo = new PictureRepo(store.db, 'b1');
    repo.degraded('cam', ['picture_frozen'], 't1');
    repo.degraded('cam', ['picture_frozen'], 't2');
    repo.degraded('cam', ['picture_dark', 'picture_frozen'], 't3');
    repo.ok('cam', 't4');
    expect(rows(store, 'picture_degraded')).toEqual([
      { camera_id: 'cam', reasons: 'picture_frozen', started_at: 't1', ended_at: 't3', boot_id: 'b1' },
      {
        camera_id: 'cam',
        reasons: 'picture_dark picture_frozen',
        started_at: 't3',
        ended_at: 't4',
        boot_id: 'b1',
      },
    ]);
  });

  it('resume: the newest open period’s reasons; an earlier boot’s is left open and this boot opens its own once', () => {
    store = Store.open({ dir: ':memory:', log: silentLog() });
    const first = new PictureRepo(store.db, 'b1');
    expect(first.resume('cam', 't0')).toBeUndefined();
    first.degraded('cam', ['picture_dark', 'picture_frozen'], 't1');
    const next = new PictureRepo(store.db, 'b2');
    expect(next.resume('cam', 't5')).toEqual({ reasons: ['picture_dark', 'picture_frozen'], since: 't1' });
    expect(next.resume('cam', 't6')).toEqual({ reasons: ['picture_dark', 'picture_frozen'], since: 't5' });
    expect(rows(store, 'picture_degraded')).toMatchObject([
      { started_at: 't1', ended_at: null, boot_id: 'b1' },
      { started_at: 't5', ended_at: null, boot_id: 'b2' },
    ]);
  });

  it('a period a crash left open is not continued by the next boot, which opens its own', () => {
    store = Store.open({ dir: ':memory:', log: silentLog() });
    new PictureRepo(store.db, 'b1').degraded('cam', ['picture_covered'], 't1');
    const next = new PictureRepo(store.db, 'b2');
    next.degraded('cam', ['picture_covered'], 't5');
    expect(rows(store, 'picture_degraded')).toMatchObject([
      { started_at: 't1', ended_at: null, boot_id: 'b1' },
      { started_at: 't5', ended_at: null, boot_id: 'b2' },
    ]);
    const lpr = new LprNoReadsRepo(store.db, 'b1');
    lpr.noReads('gate', 't1');
    lpr.noReads('gate', 't2');
    new LprNoReadsRepo(store.db, 'b2').noReads('gate', 't5');
    new LprNoReadsRepo(store.db, 'b2').reading('gate', 't6');
    expect(rows(store, 'lpr_no_reads')).toEqual([
      { camera_id: 'gate', started_at: 't1', ended_at: 't6', boot_id: 'b1' },
      { camera_id: 'gate', started_at: 't5', ended_at: 't6', boot_id: 'b2' },
    ]);
  });
});
