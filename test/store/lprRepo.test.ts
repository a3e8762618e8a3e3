import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLog } from '../../src/shared/log.js';
import { LprRepo } from '../../src/store/lprRepo.js';
import { Store } from '../../src/store/store.js';
import { deferCleanup } from '../helpers/testCleanup.js';

const H = 3_600_000;

describe('LprRepo (migration 007)', () => {
  it('adds reads per observed period; a zero marks the period observed', () => {
    const store = Store.open({ dir: ':memory:', log: silentLog() });
    deferCleanup(() => store.close());
    const repo = new LprRepo(store.db);
    repo.add('gate', H, 10 * H, 3);
    repo.add('gate', H, 10 * H, 2);
    repo.add('gate', H, 11 * H, 0);
    repo.add('other', H, 11 * H, 9);
    repo.add('gate', 2000, 11 * H, 1); // another period length: another series
    expect(repo.periods('gate', H, 0)).toEqual([
      { start: 10 * H, reads: 5 },
      { start: 11 * H, reads: 0 },
    ]);
    expect(repo.periods('gate', H, 11 * H)).toEqual([{ start: 11 * H, reads: 0 }]);
    expect(repo.prune(11 * H)).toBe(1);
    expect(repo.periods('gate', H, 0)).toHaveLength(1);
  });

  it('the counts survive a restart of the daemon (file database reopened)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-lpr-repo-'));
    deferCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
    const first = Store.open({ dir, log: silentLog() });
    // At least the LPR migration (007); later migrations add to it.
    expect(first.schemaVersion).toBeGreaterThanOrEqual(7);
    new LprRepo(first.db).add('gate', H, 5 * H, 7);
    first.close();
    const second = Store.open({ dir, log: silentLog() });
    deferCleanup(() => second.close());
    expect(new LprRepo(second.db).periods('gate', H, 0)).toEqual([{ start: 5 * H, reads: 7 }]);
  });
});
