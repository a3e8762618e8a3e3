import path from 'node:path';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Fleet } from '../../fixtures/fleet/fleet.js';
import {
  type BEHAVIOURS,
  type ExpectedGroup,
  expectedFigure,
  loadScenario,
  registryCsv,
  scenarioSites,
} from '../../fixtures/fleet/scenario.js';
import type { GroupFigure } from '../../src/centre/model.js';
import { systemClock } from '../../src/shared/clock.js';
import { repoRoot } from '../helpers/cli.js';
import { launchChromium, noChromium, openLivePage } from '../helpers/liveBrowser.js';
import { useTempDir } from '../helpers/tempDir.js';
import { deferCleanup } from '../helpers/testCleanup.js';
import { useBroker } from '../uplink/helpers/rig.js';
import { type RunningCentre, until, useRunningCentre } from './helpers.js';

/**
 * The dashboard against the fleet scenario (fixtures/fleet/national.yaml): every gateway of the
 * scenario publishes through a real Mosquitto, the centre ingests, and what the page and the
 * HTTP API show is compared cell by cell with the figures computed from the scenario file alone
 * (`expectedFigure`: behaviour counts and planned cameras, not the centre's code).
 */
const scenario = loadScenario(path.join(repoRoot, 'fixtures/fleet/national.yaml'));
const expected = expectedFigure(scenario);
const sites = scenarioSites(scenario, systemClock.now());

/** The percentage as the page prints it, computed from the counts. */
const pctText = (g: ExpectedGroup): string => `${((100 * g.sitesIntegrated) / g.sites).toFixed(1)}%`;
/** Causes as the page lists them: most sites first, then by name. */
const causesText = (g: ExpectedGroup): string =>
  Object.entries(g.causes)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([c, n]) => `${c} ${n}`)
    .join(', ');
const rowOf = (name: string, g: ExpectedGroup): string[] =>
  [
    name,
    g.sites,
    g.sitesIntegrated,
    g.sitesFullyIntegrated,
    pctText(g),
    g.cameras.planned.total,
    g.cameras.installed.total,
    g.cameras.integrated.total,
    causesText(g),
  ].map(String);
/** Each site's cause as the scenario defines it (integrated and partial sites have none). */
const causeOf = (b: (typeof BEHAVIOURS)[number]): string => (b === 'integrated' || b === 'partial' ? '' : b);

describe.skipIf(noChromium !== '')(
  `the dashboard shows the fleet scenario's figures${noChromium ? ` (${noChromium})` : ''}`,
  () => {
    let centre: RunningCentre;
    let browser: Browser;

    beforeAll(async () => {
      const broker = await useBroker();
      centre = await useRunningCentre({
        url: broker.url,
        registryCsv: registryCsv(sites),
        dbFile: path.join(useTempDir('camgate-centre-fleet-'), 'f.db'),
      });
      const fleet = new Fleet(broker.url, sites);
      deferCleanup(() => fleet.stop(), { first: true });
      await fleet.start();
      const lost = expected.national.causes.gateway_lost ?? 0;
      await until(
        () => centre.service.figure(),
        (f) =>
          f.national.cameras.installed.total === expected.national.cameras.installed.total &&
          f.national.causes.find((c) => c.cause === 'gateway_lost')?.sites === lost &&
          f.unregistered.length === scenario.unregistered,
        'the fleet ingested, its lost gateways seen',
        60_000,
      );
      browser = await launchChromium();
      deferCleanup(() => browser.close());
    }, 120_000);

    it('national title, region table, camera classes: every cell as the scenario predicts', async () => {
      const { page, errors } = await openLivePage(browser, `http://127.0.0.1:${centre.port}/`);
      await page.waitForSelector('#regions');
      const n = expected.national;
      // By hand from national.yaml: 41 sites, 21 integrated (integrated + partial), 51.2 %.
      expect([n.sites, n.sitesIntegrated, pctText(n)]).toEqual([41, 21, '51.2%']);
      expect(await page.locator('#title').textContent()).toBe(
        `National: ${n.sitesIntegrated} of ${n.sites} sites integrated (${pctText(n)})`,
      );
      const rows = await page.locator('#regions tbody tr').all();
      const shown = await Promise.all(rows.map((r) => r.locator('td').allTextContents()));
      const want = Object.entries(expected.regions)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, g]) => rowOf(name, g));
      expect(shown).toEqual(want);
      const c = n.cameras;
      expect(await page.locator('#national').textContent()).toBe(
        `cameras integrated: overview ${c.integrated.overview}/${c.planned.overview}, panoramic ${c.integrated.panoramic}/${c.planned.panoramic}, lpr ${c.integrated.lpr}/${c.planned.lpr} (integrated/planned)`,
      );
      expect(await page.locator('#unregistered tbody tr').count()).toBe(scenario.unregistered);
      // Contract warnings: exactly the contract_expired sites are past their end.
      const expiredShown = await page.locator('#contracts tbody tr', { hasText: /-\d+$/ }).count();
      expect(expiredShown).toBe(n.causes.contract_expired);
      expect(errors).toEqual([]);
    });

    it("a region's page lists each site with the cause its behaviour gives", async () => {
      const region = 'West Kazakhstan';
      const { page, errors } = await openLivePage(
        browser,
        `http://127.0.0.1:${centre.port}/#/region/${encodeURIComponent(region)}`,
      );
      await page.waitForSelector('#sites');
      const mine = sites.filter((s) => s.region === region);
      const rows = await page.locator('#sites tbody tr').all();
      const shown = new Map<string, string>();
      for (const r of rows) {
        const cells = await r.locator('td').allTextContents();
        shown.set(cells[0]?.split(' ')[0] ?? '', cells[4] ?? '');
      }
      expect(shown).toEqual(
        new Map(mine.map((s) => [s.siteId, causeOf(s.behaviour as (typeof BEHAVIOURS)[number])])),
      );
      const causeRows = await page.locator('#causes tbody tr').all();
      const causes = Object.fromEntries(
        await Promise.all(
          causeRows.map(async (r) => {
            const [c, k] = await r.locator('td').allTextContents();
            return [c, Number(k)] as const;
          }),
        ),
      );
      expect(causes).toEqual(expected.regions[region]?.causes);
      expect(errors).toEqual([]);
    });

    it('the HTTP API and the metrics give the same figures', async () => {
      const base = `http://127.0.0.1:${centre.port}`;
      const summary = (await (await fetch(`${base}/api/summary`)).json()) as {
        national: GroupFigure;
        regions: GroupFigure[];
      };
      const counts = (g: GroupFigure) => ({
        sites: g.sites,
        sitesIntegrated: g.sitesIntegrated,
        sitesFullyIntegrated: g.sitesFullyIntegrated,
        causes: Object.fromEntries(g.causes.map((c) => [c.cause, c.sites])),
        cameras: {
          planned: g.cameras.planned,
          installed: g.cameras.installed,
          integrated: g.cameras.integrated,
        },
      });
      expect(counts(summary.national)).toEqual(expected.national);
      for (const r of summary.regions) expect(counts(r), r.key).toEqual(expected.regions[r.key]);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      for (const [name, g] of Object.entries(expected.regions)) {
        expect(metrics).toContain(`camgate_centre_sites_integrated{region="${name}"} ${g.sitesIntegrated}`);
        expect(metrics).toContain(
          `camgate_centre_cameras_integrated{region="${name}"} ${g.cameras.integrated.total}`,
        );
      }
    });
  },
);
