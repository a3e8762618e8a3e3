import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfigText } from '../../src/config/load.js';
import { runCli } from '../helpers/cli.js';
import { tempConfig } from '../helpers/tempSite.js';
import { deferCleanup } from '../helpers/testCleanup.js';

const minimal = 'site: { id: s1 }\ngateway: { id: g1 }\n';

function issuesOf(lpr: string): string[] {
  try {
    parseConfigText(`${minimal}lpr: ${lpr}\n`);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  return [];
}

describe('lpr config: periods make a day (review #6)', () => {
  it.each([
    ['{ periodSeconds: 1800 }', ['lpr.periodsPerDay']],
    ['{ periodSeconds: 3600, periodsPerDay: 12 }', ['lpr.periodsPerDay']],
    ['{ periodSeconds: 1800, periodsPerDay: 48 }', []],
    ['{ periodSeconds: 900, periodsPerDay: 96 }', []],
    ['{}', []],
    // Test rigs (periods of a minute or less): any cycle.
    ['{ periodSeconds: 2, periodsPerDay: 1 }', []],
    ['{ periodSeconds: 60, periodsPerDay: 1 }', []],
    ['{ periodSeconds: 61, periodsPerDay: 1 }', ['lpr.periodsPerDay']],
  ])('%s', (lpr, fields) => {
    expect(issuesOf(lpr).map((i) => i.split(':')[0])).toEqual(fields);
  });

  it('camgate config check exits 2 naming the field', async () => {
    const site = tempConfig('lpr: { periodSeconds: 1800 }\n');
    deferCleanup(site.cleanup);
    const bad = await runCli(['config', 'check', site.configPath]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('lpr.periodsPerDay: periodSeconds × periodsPerDay must be 86400');
  });
});
