import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LightGateway } from '../../fixtures/fleet/lightGateway.js';
import { openCentreDb } from '../../src/centre/store/openDb.js';
import { seqGaps } from '../../src/centre/store/pictureRepo.js';
import { cleanupAll } from '../uplink/helpers/cleanup.js';
import { Broker } from '../uplink/helpers/mosquitto.js';
import { REGISTRY_HEAD, type RunningCentre, startCentre, tempDir, until } from './helpers.js';

const SITES = 5;
const EVENTS_PER_GATEWAY = 40;
const REGISTRY = [
  REGISTRY_HEAD,
  ...Array.from({ length: SITES }, (_, i) => `s${i},S${i},R,D,school,1,0,0,,,`),
].join('\n');

describe('centre workers starting together on one new SQLite file', () => {
  it('both open it: the loser of the first migration retries and finds it done', async () => {
    const file = `${tempDir()}/race.db`;
    const dbs = await Promise.all([1, 2, 3].map(() => openCentreDb({ driver: 'sqlite', path: file })));
    for (const db of dbs) expect(await db.selectFrom('events').select('seq').execute()).toEqual([]);
    await Promise.all(dbs.map((db) => db.destroy()));
  });
});

describe('two centre workers with a shared subscription on one database', () => {
  let broker: Broker;
  const workers: RunningCentre[] = [];
  const gateways: LightGateway[] = [];

  beforeAll(async () => {
    broker = await Broker.start();
    const dbFile = `${tempDir()}/shared.db`;
    for (const id of ['a', 'b']) {
      workers.push(
        await startCentre({
          url: broker.url,
          registryCsv: REGISTRY,
          dbFile,
          clientId: `centre-${id}-${process.pid}`,
          shareGroup: 'centre',
        }),
      );
    }
  }, 60_000);
  afterAll(async () => {
    await cleanupAll([
      ...gateways.map((g) => () => g.stop()),
      ...workers.map((w) => () => w.stop()),
      () => broker.dispose(),
    ]);
  });

  it('splits the events, counts each once, and restores per-gateway order from seq', async () => {
    for (let i = 0; i < SITES; i += 1) {
      const g = new LightGateway({
        url: broker.url,
        siteId: `s${i}`,
        gatewayId: `s${i}-gw`,
        cameras: [
          { id: 'c1', class: 'overview', status: 'online', integrated: true, cause: null, recording: 'ok' },
        ],
      });
      gateways.push(g);
      await g.start();
    }
    // Interleaved across gateways: round-robin delivery (Mosquitto) sends consecutive seqs of one gateway to different workers.
    for (let n = 0; n < EVENTS_PER_GATEWAY; n += 1) {
      await Promise.all(gateways.map((g) => g.event('clock.drift', 'c1', { offsetMs: 6000 + n })));
    }
    const total = SITES * EVENTS_PER_GATEWAY;
    const [a, b] = workers as [RunningCentre, RunningCentre];
    await until(
      async () => a.service.ingest.stats.events + b.service.ingest.stats.events,
      (n) => n === total,
      'all events delivered',
    );
    expect(a.service.ingest.stats.events).toBeGreaterThan(0);
    expect(b.service.ingest.stats.events).toBeGreaterThan(0);
    const rows = await a.db
      .selectFrom('events')
      .select(['gateway_id', 'seq'])
      .orderBy('gateway_id')
      .orderBy('seq')
      .execute();
    expect(rows).toHaveLength(total);
    for (const g of gateways) {
      const seqs = rows.filter((r) => r.gateway_id === g.opts.gatewayId).map((r) => Number(r.seq));
      expect(seqs).toEqual(Array.from({ length: EVENTS_PER_GATEWAY }, (_, i) => i + 1));
    }
    expect(await seqGaps(a.db)).toEqual([]);
    expect(a.service.ingest.stats.duplicates + b.service.ingest.stats.duplicates).toBe(0);
    // Retained state is not shared: both workers hold the whole picture and agree on the figure.
    const [fa, fb] = await Promise.all([a.service.figure(), b.service.figure()]);
    expect(fa.national).toMatchObject({ sites: SITES, sitesIntegrated: SITES });
    expect(fb.national).toEqual(fa.national);
  });
});
