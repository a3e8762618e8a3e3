/**
 * Centre benchmark (run: `npx tsc -p tsconfig.build.json && npx tsx bench/centre.ts [sites] [camerasPerSite] [sqlite|postgres|both]`):
 * a fleet of light gateways (one MQTT connection each) → one Mosquitto → `camgate centre run` as
 * its own process. Measures, per store: rebuild of the whole picture from retained messages at
 * start, ingest rate of events, time from a camera state change at a gateway to the figure the
 * dashboard reads (p50/p95), the figure's query time over all sites, the centre's memory; then
 * two workers with a shared subscription: load split and nothing counted twice.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Fleet } from '../fixtures/fleet/fleet.js';
import { registryCsv, type Scenario, scenarioSites } from '../fixtures/fleet/scenario.js';
import type { Figure } from '../src/centre/model.js';
import { openCentreDb, type StoreConfig } from '../src/centre/store/openDb.js';
import { systemClock } from '../src/shared/clock.js';
import { tempDir } from '../test/centre/helpers.js';
import { TempPostgres } from '../test/centre/pg.js';
import { camgateBin } from '../test/helpers/cli.js';
import { Broker, freePort } from '../test/uplink/helpers/mosquitto.js';
import { readProc } from './procStats.js';

const SITES = Number(process.argv[2] ?? 7000);
const CAMS = Number(process.argv[3] ?? 10);
const DRIVERS = (process.argv[4] ?? 'both') === 'both' ? ['sqlite', 'postgres'] : [process.argv[4]!];
const REGIONS = 14;
const EVENTS_PER_SITE = 2;
const clock = systemClock;

function scenario(): Scenario {
  const per = Math.floor(SITES / REGIONS);
  const mix = (n: number) => {
    const f = (share: number) => Math.floor(n * share);
    const rest = {
      partial: f(0.05),
      never_connected: f(0.1),
      contract_expired: f(0.06),
      gateway_lost: f(0.03),
      cameras_down: f(0.03),
      unauthorized: f(0.02),
      recording_stale: f(0.01),
    };
    return { integrated: n - Object.values(rest).reduce((x, y) => x + y, 0), ...rest };
  };
  const lpr = Math.min(2, CAMS - 1);
  return {
    regions: Array.from({ length: REGIONS }, (_, i) => ({
      name: `Region ${String(i + 1).padStart(2, '0')}`,
      districts: ['north', 'south', 'east', 'west'],
      kind: i % 3 === 0 ? 'street' : 'school',
      planned: { overview: CAMS - lpr, panoramic: 0, lpr },
      sites: mix(i === REGIONS - 1 ? SITES - per * (REGIONS - 1) : per),
    })),
    unregistered: 5,
  };
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const rssMb = (pid: number): number =>
  Number(/^VmRSS:\s+(\d+) kB/m.exec(readProc(pid, 'status') ?? '')?.[1] ?? 0) / 1024;

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return (await res.json()) as T;
}

async function until<T>(
  probe: () => Promise<T | undefined>,
  ok: (v: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const end = clock.monotonic() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined && ok(v)) return v;
    if (clock.monotonic() > end) throw new Error(`bench: timed out waiting for ${what}`);
    await clock.sleep(100);
  }
}

interface Worker {
  child: ChildProcess;
  base: string;
}

async function startWorker(
  dir: string,
  name: string,
  url: string,
  store: StoreConfig,
  share: boolean,
): Promise<Worker> {
  const port = await freePort();
  const storeYaml =
    store.driver === 'sqlite'
      ? `{ driver: sqlite, path: ${store.path} }`
      : `{ driver: postgres, url: "${store.url}" }`;
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(
    file,
    [
      `mqtt: { url: "${url}", clientId: "bench-${name}"${share ? ', shareGroup: bench' : ''} }`,
      'registry: sites.csv',
      `store: ${storeYaml}`,
      `http: { bind: 127.0.0.1, port: ${port} }`,
      'log: { level: warn }',
    ].join('\n'),
  );
  const child = spawn(process.execPath, [camgateBin, 'centre', 'run', '--config', file], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { child, base: `http://127.0.0.1:${port}` };
}

async function stopWorker(w: Worker): Promise<void> {
  if (w.child.exitCode !== null) return;
  const exited = new Promise((r) => w.child.once('exit', r));
  w.child.kill('SIGTERM');
  await exited;
}

async function countEvents(store: StoreConfig): Promise<number> {
  const db = await openCentreDb(store);
  try {
    const r = await db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  } finally {
    await db.destroy();
  }
}

async function benchStore(
  driver: string,
  broker: Broker,
  fleet: Fleet,
  dir: string,
  pg: TempPostgres | undefined,
): Promise<void> {
  const store: StoreConfig =
    driver === 'sqlite' ? { driver: 'sqlite', path: path.join(dir, `${driver}.db`) } : await pg!.fresh();
  const installed = [...fleet.gateways.values()].reduce((n, g) => n + g.opts.cameras.length, 0);
  // 1. Rebuild from retained messages: a centre starting against a running fleet.
  let t = clock.monotonic();
  const w = await startWorker(dir, driver, broker.url, store, false);
  const pid = w.child.pid ?? 0;
  await until(
    () => getJson<unknown>(`${w.base}/api/stats`),
    () => true,
    120_000,
    'http up',
  );
  console.log(
    `[${driver}] centre process answering HTTP after ${((clock.monotonic() - t) / 1000).toFixed(1)} s`,
  );
  let f = await until(
    () => getJson<Figure>(`${w.base}/api/figure`),
    (x) =>
      x.national.cameras.installed.total + x.unregistered.reduce((n, u) => n + u.cameras, 0) === installed,
    600_000,
    'retained picture',
  );
  const rebuildS = (clock.monotonic() - t) / 1000;
  const retained = fleet.gateways.size * 2 + installed;
  console.log(
    `[${driver}] picture rebuilt from ${retained} retained messages in ${rebuildS.toFixed(1)} s (${Math.round(retained / rebuildS)} msg/s); national ${f.national.sitesIntegrated}/${f.national.sites} sites (${f.national.pct}%)`,
  );
  // 2. The figure over all sites right after a change (computed, not cached), and the
  // dashboard's poll of it (cached until the next change).
  const q: number[] = [];
  const cached: number[] = [];
  const inner: number[] = [];
  const [site0] = [...fleet.gateways.entries()].find(([, g]) => g.connected)!;
  for (let i = 0; i < 10; i += 1) {
    await fleet.setCamera(site0, 1, i % 2 === 1);
    await clock.sleep(300);
    t = clock.monotonic();
    f = await getJson<Figure>(`${w.base}/api/figure`);
    q.push(clock.monotonic() - t);
    inner.push((await getJson<{ figureMs: number }>(`${w.base}/api/stats`)).figureMs);
    t = clock.monotonic();
    await getJson<unknown>(`${w.base}/api/summary`);
    cached.push(clock.monotonic() - t);
  }
  console.log(
    `[${driver}] figure over ${f.national.sites} sites after a change (GET /api/figure): p50 ${pct(q, 50).toFixed(0)} ms, p95 ${pct(q, 95).toFixed(0)} ms, of which reading and computing it in the centre p50 ${pct(inner, 50).toFixed(0)} ms, p95 ${pct(inner, 95).toFixed(0)} ms; dashboard poll (GET /api/summary, cached): p50 ${pct(cached, 50).toFixed(0)} ms`,
  );
  // 3. Camera change at a gateway → the figure the dashboard's national page polls.
  const online = [...fleet.gateways.entries()].filter(
    ([, g]) => g.connected && g.opts.cameras.every((c) => c.integrated),
  );
  const lat: number[] = [];
  for (let i = 0; i < 20; i += 1) {
    const [siteId] = online[(i * 37) % online.length]!;
    const before = f.national.cameras.integrated.total;
    t = clock.monotonic();
    await fleet.setCamera(siteId, 0, false);
    await until(
      () => getJson<Pick<Figure, 'national'>>(`${w.base}/api/summary`),
      (x) => x.national.cameras.integrated.total === before - 1,
      60_000,
      'change',
    );
    lat.push(clock.monotonic() - t);
    await fleet.setCamera(siteId, 0, true);
    await until(
      () => getJson<Pick<Figure, 'national'>>(`${w.base}/api/summary`),
      (x) => x.national.cameras.integrated.total === before,
      60_000,
      'restore',
    );
  }
  console.log(
    `[${driver}] camera change → figure: p50 ${pct(lat, 50).toFixed(0)} ms, p95 ${pct(lat, 95).toFixed(0)} ms (n=${lat.length})`,
  );
  // 4. Event ingest rate.
  const n0 = await countEvents(store);
  t = clock.monotonic();
  const gws = [...fleet.gateways.values()].filter((g) => g.connected);
  for (let k = 0; k < EVENTS_PER_SITE; k += 1) {
    await Promise.all(
      gws.map((g) => g.event('clock.drift', g.opts.cameras[0]?.id ?? null, { offsetMs: 6000 + k })),
    );
  }
  const sent = gws.length * EVENTS_PER_SITE;
  await until(
    () => countEvents(store),
    (n) => n - n0 === sent,
    600_000,
    'events stored',
  );
  const evS = (clock.monotonic() - t) / 1000;
  console.log(
    `[${driver}] ${sent} events stored in ${evS.toFixed(1)} s: ${Math.round(sent / evS)} events/s; centre RSS ${rssMb(pid).toFixed(0)} MB`,
  );
  await stopWorker(w);
}

async function sharedWorkers(broker: Broker, fleet: Fleet, dir: string): Promise<void> {
  const store: StoreConfig = { driver: 'sqlite', path: path.join(dir, 'shared.db') };
  const ws = [
    await startWorker(dir, 'wa', broker.url, store, true),
    await startWorker(dir, 'wb', broker.url, store, true),
  ];
  for (const w of ws)
    await until(
      () => getJson<Figure>(`${w.base}/api/figure`),
      (x) => x.national.sitesIntegrated > 0,
      600_000,
      'worker up',
    );
  const gws = [...fleet.gateways.values()].filter((g) => g.connected);
  for (let k = 0; k < 3; k += 1)
    await Promise.all(gws.map((g) => g.event('clock.drift', null, { offsetMs: 7000 + k })));
  const sent = gws.length * 3;
  await until(
    () => countEvents(store),
    (n) => n === sent,
    600_000,
    'shared events',
  );
  const stats = await Promise.all(
    ws.map((w) => getJson<{ events: number; duplicates: number }>(`${w.base}/api/stats`)),
  );
  console.log(
    `[shared] ${sent} events: worker A ${stats[0]!.events}, worker B ${stats[1]!.events}, stored ${await countEvents(store)}, duplicates ${stats[0]!.duplicates + stats[1]!.duplicates}`,
  );
  for (const w of ws) await stopWorker(w);
}

async function main(): Promise<void> {
  const broker = await Broker.start({ persistence: false });
  const dir = tempDir();
  const sites = scenarioSites(scenario(), clock.now());
  fs.writeFileSync(path.join(dir, 'sites.csv'), registryCsv(sites));
  const fleet = new Fleet(broker.url, sites);
  let t = clock.monotonic();
  await fleet.start(100);
  console.log(
    `fleet: ${fleet.gateways.size} gateway connections, ${CAMS} cameras per site, up in ${((clock.monotonic() - t) / 1000).toFixed(1)} s; Mosquitto RSS ${rssMb(broker.pid ?? 0).toFixed(0)} MB`,
  );
  const pg = DRIVERS.includes('postgres') ? await TempPostgres.start() : undefined;
  try {
    for (const d of DRIVERS) await benchStore(d, broker, fleet, dir, pg);
    await sharedWorkers(broker, fleet, dir);
  } finally {
    t = clock.monotonic();
    await fleet.stop();
    pg?.stop();
    await broker.dispose();
  }
}

await main();
