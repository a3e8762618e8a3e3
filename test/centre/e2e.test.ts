import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fleet } from '../../fixtures/fleet/fleet.js';
import { expectedFigure, loadScenario, registryCsv, scenarioSites } from '../../fixtures/fleet/scenario.js';
import type { Figure, GroupFigure } from '../../src/centre/model.js';
import { systemClock } from '../../src/shared/clock.js';
import { camgateBin, cliBuilt, repoRoot, runCli } from '../helpers/cli.js';
import { cleanupAll } from '../uplink/helpers/cleanup.js';
import { Broker, freePort } from '../uplink/helpers/mosquitto.js';
import { tempDir, until } from './helpers.js';

const scenario = loadScenario(path.join(repoRoot, 'fixtures/fleet/national.yaml'));
const expected = expectedFigure(scenario);

interface CentreProcess {
  readonly child: ChildProcess;
  logs: string;
}

function startCentreProcess(config: string): CentreProcess {
  const child = spawn(process.execPath, [camgateBin, 'centre', 'run', '--config', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const p: CentreProcess = { child, logs: '' };
  child.stderr?.on('data', (d: Buffer) => {
    p.logs += String(d);
  });
  return p;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return (await res.json()) as T;
}

/** What the expectation speaks of: counts and causes per group. */
function shape(g: GroupFigure) {
  return {
    sites: g.sites,
    sitesIntegrated: g.sitesIntegrated,
    sitesFullyIntegrated: g.sitesFullyIntegrated,
    causes: Object.fromEntries(g.causes.map((c) => [c.cause, c.sites])),
  };
}

function matches(f: Figure): boolean {
  return (
    JSON.stringify(shape(f.national)) ===
      JSON.stringify(shape({ ...f.national, causes: sortCauses(expected.national.causes) })) &&
    f.regions.every(
      (r) =>
        JSON.stringify(shape(r)) ===
        JSON.stringify(shape({ ...r, causes: sortCauses(expected.regions[r.key]?.causes ?? {}) })),
    )
  );
}

function sortCauses(c: Record<string, number>): GroupFigure['causes'] {
  return Object.entries(c)
    .map(([cause, sites]) => ({ cause: cause as GroupFigure['causes'][number]['cause'], sites }))
    .sort((a, b) => b.sites - a.sites || a.cause.localeCompare(b.cause));
}

describe.skipIf(!cliBuilt)('centre end to end: fleet → Mosquitto → camgate centre run → figures', () => {
  let broker: Broker;
  let fleet: Fleet;
  let dir: string;
  let config: string;
  let base: string;
  let centre: CentreProcess | undefined;

  beforeAll(async () => {
    broker = await Broker.start();
    dir = tempDir();
    const sites = scenarioSites(scenario, systemClock.now());
    fs.writeFileSync(path.join(dir, 'sites.csv'), registryCsv(sites));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    config = path.join(dir, 'centre.yaml');
    fs.writeFileSync(
      config,
      [
        `mqtt: { url: "${broker.url}", clientId: "centre-e2e-${process.pid}" }`,
        'registry: sites.csv',
        'store: { driver: sqlite, path: centre.db }',
        `http: { bind: 127.0.0.1, port: ${port} }`,
        'figures: { snapshotSeconds: 1, contractWarningDays: 30 }',
      ].join('\n'),
    );
    fleet = new Fleet(broker.url, sites);
    await fleet.start();
  }, 60_000);

  afterAll(async () => {
    await cleanupAll([
      () => {
        if (centre?.child.exitCode === null) centre.child.kill('SIGKILL');
      },
      () => fleet.stop(),
      () => broker.dispose(),
      () => fs.rmSync(dir, { recursive: true, force: true }),
    ]);
  });

  it('shows the figures the scenario predicts per region and cause, and again after kill -9 and restart', async () => {
    centre = startCentreProcess(config);
    const f = await until(
      () => getJson<Figure>(`${base}/api/figure`).catch(() => undefined),
      (x) => x !== undefined && matches(x),
      'figure',
      60_000,
    );
    expect(shape(f!.national)).toEqual(
      shape({ ...f!.national, causes: sortCauses(expected.national.causes) }),
    );
    // The scenario by hand: 15 + 14 + 12 sites; integrated 5 + 8 + 8; fully 4 + 6 + 8.
    expect(f!.national).toMatchObject({
      sites: 41,
      sitesIntegrated: 21,
      sitesFullyIntegrated: 18,
      pct: 51.2,
    });
    expect(f!.unregistered.map((u) => u.siteId)).toEqual(['unregistered-1', 'unregistered-2']);
    expect(f!.contracts.filter((c) => c.daysLeft < 0)).toHaveLength(6);
    const expired = f!.sites.find((s) => s.cause === 'contract_expired');
    expect(expired?.evidence).toMatch(
      /gateway .* lost since .*; comms contract with FleetTel expired on \d{4}-\d{2}-\d{2}/,
    );

    centre.child.kill('SIGKILL');
    await new Promise((r) => centre!.child.once('exit', r));
    // While the centre is down a site's camera fails: the broker keeps it for the persistent session.
    const site = scenarioSites(scenario, systemClock.now()).find((s) => s.behaviour === 'integrated')!;
    await fleet.setCamera(site.siteId, 0, false);
    const restartedAt = systemClock.monotonic();
    centre = startCentreProcess(config);
    const again = await until(
      () => getJson<Figure>(`${base}/api/figure`).catch(() => undefined),
      (x) =>
        x !== undefined &&
        x.sites.find((s) => s.siteId === site.siteId)?.fullyIntegrated === false &&
        x.national.sitesFullyIntegrated === 17,
      'figure after restart',
      60_000,
    );
    expect(systemClock.monotonic() - restartedAt).toBeLessThan(60_000);
    expect(again!.national).toMatchObject({ sites: 41, sitesIntegrated: 21, sitesFullyIntegrated: 17 });
    const want = f!.regions.map((r) =>
      r.key === site.region ? { ...shape(r), sitesFullyIntegrated: r.sitesFullyIntegrated - 1 } : shape(r),
    );
    expect(again!.regions.map(shape)).toEqual(want);
  }, 150_000);

  it('camgate centre report gives the same figure as json, csv and html', async () => {
    const today = new Date(systemClock.now()).toISOString().slice(0, 10);
    const report = (format: string) =>
      runCli(['centre', 'report', '--from', today, '--to', today, '--format', format, '--config', config]);
    const json = await report('json');
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const r = JSON.parse(json.stdout) as {
      days: Array<{ national: GroupFigure; regions: GroupFigure[]; source: string }>;
    };
    expect(r.days).toHaveLength(1);
    expect(r.days[0]).toMatchObject({ source: 'live', national: { sites: 41, sitesIntegrated: 21 } });
    for (const g of r.days[0]!.regions) expect(shape(g).causes).toEqual(expected.regions[g.key]?.causes);
    const csv = await report('csv');
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^day,region,sites,sites_integrated/);
    expect(lines).toContain(
      `${today},West Kazakhstan,15,5,3,33.3,60,48,18,13,0,5,contract_expired:4 never_connected:3 cameras_down:1 gateway_lost:1 unauthorized:1`,
    );
    const html = await report('html');
    expect(html.stdout).toContain('21 of 41 sites integrated (51.2%)');
    const bad = await runCli(['centre', 'report', '--from', '2026-02-30', '--to', today, '--config', config]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--from '2026-02-30' is not a date");
  }, 60_000);
});
