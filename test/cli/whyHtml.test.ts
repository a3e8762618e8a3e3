import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/cli.js';
import { tempConfig } from '../helpers/tempSite.js';
import { deferCleanup } from '../helpers/testCleanup.js';
import { siteStore } from '../report/fixture.js';

describe('camgate why --html (issue #17)', () => {
  it('without a daemon: a page with the history evidence that says the pictures need the daemon', async () => {
    const t = tempConfig();
    deferCleanup(t.cleanup);
    siteStore(path.join(t.dir, 'state')).close();
    const out = path.join(t.dir, 'why.html');
    const r = await runCliInProcess(['why', 'cam-a', '--html', '--out', out, '--config', t.configPath]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`camgate why: wrote ${out}\n`);
    const page = fs.readFileSync(out, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('history database (daemon not running)');
    expect(page).toContain('camera cam-a:');
    expect(page).toContain('no pictures: the daemon is not running');
    expect(page).not.toContain('<script');
    // Without --out the page goes to stdout.
    const stdout = await runCliInProcess(['why', 'cam-a', '--html', '--config', t.configPath]);
    expect(stdout.stdout).toBe(
      page.replace(/generated [^ ]+ ·/, stdout.stdout.match(/generated [^ ]+ ·/)?.[0] ?? ''),
    );
  });

  it('--out needs --html, and --html excludes --json: usage errors (exit 2)', async () => {
    const t = tempConfig();
    deferCleanup(t.cleanup);
    const a = await runCliInProcess(['why', 'cam-a', '--out', 'x.html', '--config', t.configPath]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('--out needs --html');
    const b = await runCliInProcess(['why', 'cam-a', '--html', '--json', '--config', t.configPath]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('--html and --json exclude each other');
  });
});
