import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LightCamera, LightGateway } from '../../fixtures/fleet/lightGateway.js';
import { launchChromium, noChromium, openLivePage } from '../helpers/liveBrowser.js';
import { cleanupAll } from '../uplink/helpers/cleanup.js';
import { Broker } from '../uplink/helpers/mosquitto.js';
import { REGISTRY_HEAD, type RunningCentre, removeTempDirs, startCentre, tempDir, until } from './helpers.js';

const REGISTRY = [
  REGISTRY_HEAD,
  'w-1,Uralsk school 1,West Kazakhstan,Uralsk,school,2,0,0,KazTel,2026-01-10,Acme',
  'w-2,Uralsk school 2,West Kazakhstan,Uralsk,school,2,0,0,KazTel,2030-01-01,Acme',
  'a-1,Talgar school 1,Almaty region,Talgar,school,1,0,1,AlmaNet,2030-01-01,Beta',
].join('\n');

const cam = (id: string, cls: LightCamera['class'], ok: boolean): LightCamera => ({
  id,
  class: cls,
  status: ok ? 'online' : 'unauthorized',
  integrated: ok,
  cause: ok ? null : 'unauthorized',
  recording: 'ok',
});

describe.skipIf(noChromium !== '')(
  `centre dashboard in chromium${noChromium ? ` (${noChromium})` : ''}`,
  () => {
    let broker: Broker;
    let centre: RunningCentre;
    let browser: Browser;
    const gateways: LightGateway[] = [];

    beforeAll(async () => {
      broker = await Broker.start();
      const cams = {
        w2: [cam('c1', 'overview', true), cam('c2', 'overview', true)],
        a1: [cam('c1', 'overview', false), cam('p1', 'lpr', false)],
      };
      gateways.push(
        new LightGateway({ url: broker.url, siteId: 'w-2', gatewayId: 'w-2-gw', cameras: cams.w2 }),
      );
      gateways.push(
        new LightGateway({ url: broker.url, siteId: 'a-1', gatewayId: 'a-1-gw', cameras: cams.a1 }),
      );
      for (const g of gateways) await g.start();
      centre = await startCentre({ url: broker.url, registryCsv: REGISTRY, dbFile: `${tempDir()}/d.db` });
      await until(
        () => centre.service.figure(),
        (f) => f.national.cameras.installed.total === 4,
        'picture',
      );
      browser = await launchChromium();
    }, 60_000);

    afterAll(async () => {
      await cleanupAll([
        () => browser?.close(),
        ...gateways.map((g) => () => g.stop()),
        () => centre?.stop(),
        () => broker?.dispose(),
        removeTempDirs,
      ]);
    });

    it('region table → site → camera, causes and contract warnings, updating live', async () => {
      const { page, errors } = await openLivePage(browser, `http://127.0.0.1:${centre.port}/`);
      await page.waitForSelector('#regions');
      expect(await page.locator('#title').textContent()).toBe('National: 1 of 3 sites integrated (33.3%)');
      const west = page.locator('#regions tbody tr', { hasText: 'West Kazakhstan' });
      expect(await west.locator('td').allTextContents()).toEqual([
        'West Kazakhstan',
        '2',
        '1',
        '1',
        '50.0%',
        '4',
        '2',
        '2',
        'never_connected 1',
      ]);
      expect(await page.locator('#contracts tbody tr').first().textContent()).toContain(
        'w-1 Uralsk school 1',
      );

      await page.locator('#regions a', { hasText: 'Almaty region' }).click();
      await page.waitForSelector('#sites');
      const row = page.locator('#sites tbody tr', { hasText: 'a-1' });
      expect(await row.textContent()).toContain('unauthorized');
      await row.locator('a').click();
      await page.waitForSelector('#cameras');
      expect(await page.locator('#site-cause').textContent()).toMatch(
        /^not integrated: unauthorized — cameras refuse our credentials/,
      );
      expect(await page.locator('#cameras tbody tr').count()).toBe(2);

      // The password is fixed on site: the page follows without a reload.
      const a1 = gateways[1]!;
      for (const c of a1.opts.cameras) {
        Object.assign(c, { status: 'online', integrated: true, cause: null });
        await a1.publishCamera(c);
      }
      // Locators, not waitForFunction: the page's CSP forbids the eval a string predicate needs.
      await expect
        .poll(() => page.locator('#site-cause').textContent(), { timeout: 15_000 })
        .toBe('integrated');
      await page.goto(`http://127.0.0.1:${centre.port}/#/`);
      await expect
        .poll(() => page.locator('#title').textContent(), { timeout: 15_000 })
        .toBe('National: 2 of 3 sites integrated (66.7%)');
      // Printable: the navigation is hidden in print.
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('nav').isVisible()).toBe(false);
      expect(errors).toEqual([]);
    });

    it('the JSON API answers the dashboard and refuses what it does not serve', async () => {
      const base = `http://127.0.0.1:${centre.port}`;
      expect((await fetch(`${base}/api/sites/nope`)).status).toBe(404);
      expect((await fetch(`${base}/api/figure?at=yesterday`)).status).toBe(400);
      expect((await fetch(`${base}/api/figure`, { method: 'POST' })).status).toBe(405);
      // Bad requests are the client's (400), answered at once: a malformed escape, all of history.
      expect((await fetch(`${base}/api/sites/%E0%A4%A`)).status).toBe(400);
      expect((await fetch(`${base}/api/regions/%`)).status).toBe(400);
      const allTime = await fetch(`${base}/api/history?from=0001-01-01&to=9999-12-31`);
      expect([allTime.status, await allTime.text()]).toEqual([
        400,
        expect.stringContaining('at most ten years'),
      ]);
      expect((await fetch(`${base}/api/history?from=2016-01-01&to=2025-12-31`)).status).toBe(200);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toContain('camgate_centre_sites{region="West Kazakhstan"} 2');
    });
  },
);
