import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/cli.js';
import { tempConfig } from '../helpers/tempSite.js';
import { chromiumPath, countPixels, dumpDom, screenshot } from '../report/chromium.js';
import { iso, siteStore } from '../report/fixture.js';

const sites: { cleanup: () => void }[] = [];
afterEach(() => {
  for (const s of sites.splice(0)) s.cleanup();
});

/** A config whose storage holds the hand-built database of test/report/fixture.ts. */
function site(): { configPath: string; dir: string } {
  const t = tempConfig(`cameras:
  - { id: cam-b, class: lpr, record: true }
maintenance:
  - { camera: "*", from: "${iso(20)}", to: "${iso(22)}" }
`);
  sites.push(t);
  siteStore(path.join(t.dir, 'state')).close();
  return t;
}

const DAY = ['--from', '2026-01-01', '--to', '2026-01-01'];

describe('camgate report', () => {
  it('--json: one document with the computed figures, from the database with no daemon running', async () => {
    const { configPath } = site();
    const r = await runCliInProcess(['report', ...DAY, '--json', '--config', configPath]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      from: string;
      to: string;
      cameras: {
        id: string;
        uptimePct: number | null;
        recordingPct: number | null;
        mttrMs: number | null;
        replaced: number | null;
      }[];
      classes: { lpr: { recordingPct: number; replaced: number } };
      replaced: { tracked: boolean; since: string; total: number; note: string };
    };
    expect(doc.from).toBe('2026-01-01T00:00:00.000Z');
    expect(doc.to).toBe('2026-01-02T00:00:00.000Z');
    expect(doc.cameras.find((c) => c.id === 'cam-a')).toMatchObject({
      uptimePct: 90,
      recordingPct: null,
      mttrMs: 3_600_000,
      replaced: 2,
    });
    expect(doc.classes.lpr).toMatchObject({ recordingPct: 92.857, replaced: 1 });
    expect(doc.replaced).toEqual({
      tracked: true,
      since: '2025-12-30T00:00:00.000Z',
      total: 3,
      note: '3 in the window',
    });
  });

  it('text: aligned tables, "n/a" where recording is off, no colour when not a TTY', async () => {
    const { configPath } = site();
    const r = await runCliInProcess(['report', ...DAY, '--config', configPath]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('\u001b[');
    const line = r.stdout.split('\n').find((l) => l.startsWith('cam-a'));
    // PICTURE 0s (tracked, none), LPR NO READS empty (not an LPR camera).
    expect(line).toMatch(/^cam-a\s+overview\s+90\.00%\s+80\.00%\s+n\/a\s+2\s+1h\s+1h\s+2h\s+yes\s+0s$/);
    expect(r.stdout).toContain('picture degraded (counted as not integrated): 0 camera(s), 0s in all');
  });

  it('--format csv --out FILE writes one row per camera, class and site', async () => {
    const { configPath, dir } = site();
    const out = path.join(dir, 'report.csv');
    const r = await runCliInProcess([
      'report',
      ...DAY,
      '--format',
      'csv',
      '--out',
      out,
      '--config',
      configPath,
    ]);
    expect(r.code).toBe(0);
    const lines = fs.readFileSync(out, 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^scope,id,class,uptime_pct,/);
    expect(lines[0]).toMatch(
      /,installed,replaced,missing,picture_degraded_s,picture_reasons,lpr_no_reads_s$/,
    );
    expect(lines).toContain('camera,cam-a,overview,90,80,,2,3600,3600,yes,7200,7200,,1,2,,0,,');
    expect(lines.filter((l) => l.startsWith('class,'))).toHaveLength(3);
    expect(lines).toContain('class,lpr,lpr,100,78.571,92.857,0,,,0,,,,1,1,,0,,0');
    expect(lines.at(-1)).toMatch(/^site,test-site,.*,3,3,,0,,0$/);
  });

  it.each([
    [['--from', '2026-13-01', '--to', '2026-12-31'], /--from '2026-13-01'/],
    [['--from', '2026-01-01', '--to', '2026-02-30'], /--to '2026-02-30'/],
    [['--from', '2026-01-01', '--to', 'yesterday'], /--to 'yesterday'/],
    [['--from', '2026-01-01T00:00:00', '--to', '2026-01-02'], /--from .* with zone/],
    [['--from', '2026-02-01', '--to', '2026-01-01'], /--to .* must be after --from/],
    [['--to', '2026-01-01'], /--from DATE is required/],
    [['--from', '2026-01-01', '--to', '2026-01-02', '--format', 'pdf'], /--format must be one of/],
  ])('exits 2 naming the argument for %j', async (args, message) => {
    const { configPath } = site();
    const r = await runCliInProcess(['report', ...args, '--config', configPath]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('exits 1 with STORE_OPEN when the site has no database yet', async () => {
    const t = tempConfig();
    sites.push(t);
    const r = await runCliInProcess(['report', ...DAY, '--config', t.configPath]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[STORE_OPEN]');
  });
});

describe.skipIf(!chromiumPath)('camgate report --format html in headless Chromium', () => {
  it('is one self-contained file that renders timelines and the class chart', async () => {
    const { configPath, dir } = site();
    const out = path.join(dir, 'report.html');
    const r = await runCliInProcess([
      'report',
      ...DAY,
      '--format',
      'html',
      '--out',
      out,
      '--config',
      configPath,
    ]);
    expect(r.code).toBe(0);
    const html = fs.readFileSync(out, 'utf8');
    // self-contained: nothing fetched from anywhere
    expect(html).not.toMatch(/\b(src|href)=|@import|url\((?!#)/);
    expect(html).toContain('@media print');
    expect(html).toContain('Replaced cameras: 3 in the window.');

    const url = pathToFileURL(out).href;
    const dom = await dumpDom(url);
    expect(dom.match(/<svg class="timeline"/g)).toHaveLength(4);
    expect(dom).toContain('class="chart-classes"');
    expect(dom.match(/class="bar bar-uptime"/g)).toHaveLength(3);

    const png = path.join(dir, 'report.png');
    await screenshot(url, png);
    const px = await countPixels(png, {
      white: (r, g, b) => r > 245 && g > 245 && b > 245,
      up: (r, g, b) => Math.abs(r - 0x2e) < 20 && Math.abs(g - 0x7d) < 20 && Math.abs(b - 0x32) < 20,
      down: (r, g, b) => Math.abs(r - 0xc6) < 20 && Math.abs(g - 0x28) < 20 && Math.abs(b - 0x28) < 20,
    });
    expect(px.white).toBeLessThan(px.total * 0.99);
    expect(px.up).toBeGreaterThan(1000);
    expect(px.down).toBeGreaterThan(50);
  }, 90_000);
});
