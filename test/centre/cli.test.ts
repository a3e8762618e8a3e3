import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/cli.js';
import { REGISTRY_HEAD, tempDir } from './helpers.js';

function centreDir(registry: string): string {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'sites.csv'), registry);
  fs.writeFileSync(
    path.join(dir, 'centre.yaml'),
    'mqtt: { url: "mqtt://127.0.0.1:1" }\nregistry: sites.csv\nstore: { path: c.db }\n',
  );
  return dir;
}

describe('camgate centre (CLI)', () => {
  it('check validates centre.yaml and the registry', async () => {
    const dir = centreDir(`${REGISTRY_HEAD}\ns1,S1,R,D,school,1,0,0,,,\n`);
    const r = await runCliInProcess(['centre', 'check', '--config', path.join(dir, 'centre.yaml')]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('sites.csv: 1 sites');
  });

  it('a bad registry row is a configuration error (exit 2) naming line and field', async () => {
    const dir = centreDir(
      `${REGISTRY_HEAD}\ns1,S1,R,D,school,1,0,0,,,\ns2,S2,,D,school,-1,0,0,,2026-13-01,\n`,
    );
    const r = await runCliInProcess(['centre', 'check', '--config', path.join(dir, 'centre.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('line 3: region: required');
    expect(r.stderr).toContain('line 3: planned.overview:');
    expect(r.stderr).toContain('line 3: contractEnd: not a calendar date');
  });

  it('usage errors exit 2; the centre env variable names the config', async () => {
    expect((await runCliInProcess(['centre', 'fly'])).code).toBe(2);
    const bad = await runCliInProcess(['centre', 'report', '--from', '2026-13-01', '--to', '2026-13-02'], {
      CAMGATE_CENTRE_CONFIG: '/nonexistent.yaml',
    });
    expect(bad).toMatchObject({ code: 2 });
    expect(bad.stderr).toContain("--from '2026-13-01' is not a date");
    const r = await runCliInProcess(['centre', 'report', '--from', '2026-03-07'], {
      CAMGATE_CENTRE_CONFIG: '/nonexistent.yaml',
    });
    expect(r).toMatchObject({ code: 2 });
    expect(r.stderr).toContain('--to DATE is required');
    const missing = await runCliInProcess(['centre', 'check'], {
      CAMGATE_CENTRE_CONFIG: '/nonexistent/centre.yaml',
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('/nonexistent/centre.yaml: cannot read configuration (ENOENT)');
  });
});
