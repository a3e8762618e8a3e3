import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLog } from '../../src/shared/log.js';
import { PictureRepo } from '../../src/store/pictureRepo.js';
import { Store } from '../../src/store/store.js';
import { runCliInProcess } from '../helpers/cli.js';
import { tempConfig } from '../helpers/tempSite.js';
import { deferCleanup } from '../helpers/testCleanup.js';

const REF = {
  meanLuma: 120,
  contrast: 50,
  sharpness: 0.5,
  grid: Array.from({ length: 144 }, (_, i) => i),
  samples: 3,
  learntAt: '2026-12-05T10:00:00.000Z',
};

describe('camgate picture reset CAMERA (issue #17)', () => {
  it('with no daemon running, forgets the camera’s references in the database, and only its own', async () => {
    const cfg = tempConfig();
    deferCleanup(cfg.cleanup);
    const dir = path.join(cfg.dir, 'state');
    const store = Store.open({ dir, log: silentLog() });
    const repo = new PictureRepo(store.db, 'boot-1');
    repo.saveReference('gate-1', { mode: 'day', ...REF });
    repo.saveReference('gate-1', { mode: 'night', ...REF, meanLuma: 70 });
    repo.saveReference('yard-1', { mode: 'day', ...REF });
    store.close();

    const r = await runCliInProcess(['picture', 'reset', 'gate-1', '--json', '--config', cfg.configPath]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ cameraId: 'gate-1', cleared: 2, via: 'database' });

    const after = Store.open({ dir, log: silentLog() });
    deferCleanup(() => after.close());
    const repo2 = new PictureRepo(after.db, 'boot-2');
    expect(repo2.references('gate-1')).toEqual({});
    expect(Object.keys(repo2.references('yard-1'))).toEqual(['day']);
  });

  it('a wrong invocation is a usage error (exit 2)', async () => {
    const cfg = tempConfig();
    deferCleanup(cfg.cleanup);
    const r = await runCliInProcess(['picture', 'frobnicate', 'gate-1', '--config', cfg.configPath]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/usage: camgate picture reset CAMERA/);
  });
});
