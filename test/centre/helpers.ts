import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import {
  type LightCamera,
  LightGateway,
  type LightGatewayOptions,
} from '../../fixtures/fleet/lightGateway.js';
import { CentreService } from '../../src/centre/centreService.js';
import { type CentreConfig, parseCentreConfig } from '../../src/centre/config.js';
import { CentreHttp } from '../../src/centre/http.js';
import { parseRegistryCsv, type Registry } from '../../src/centre/registry.js';
import { openCentreDb, type StoreConfig } from '../../src/centre/store/openDb.js';
import type { CentreDb } from '../../src/centre/store/schema.js';
import { systemClock } from '../../src/shared/clock.js';
import { createLog } from '../../src/shared/log.js';
import { deferCleanup } from '../helpers/testCleanup.js';

export const REGISTRY_HEAD =
  'id,name,region,district,kind,planned_overview,planned_panoramic,planned_lpr,comms_provider,contract_end,contractor';

const made: string[] = [];

/** Removes every directory `tempDir` made in this worker (call from the file's afterAll/afterEach). */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** A temp directory; `removeTempDirs` removes it. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-centre-'));
  made.push(dir);
  return dir;
}

export interface RunningCentre {
  readonly service: CentreService;
  readonly db: Kysely<CentreDb>;
  readonly registry: Registry;
  readonly config: CentreConfig;
  readonly http: CentreHttp;
  readonly port: number;
  stop(): Promise<void>;
}

/** A centre in this process: real MQTT session, real SQLite file, HTTP on a free loopback port. */
export async function startCentre(opts: {
  url: string;
  registryCsv: string;
  dbFile: string;
  /** Another store (PostgreSQL); `dbFile` is then unused. */
  store?: StoreConfig;
  clientId?: string;
  shareGroup?: string;
}): Promise<RunningCentre> {
  const registry = parseRegistryCsv(opts.registryCsv);
  const config = parseCentreConfig(
    JSON.stringify({
      mqtt: {
        url: opts.url,
        clientId: opts.clientId ?? `centre-${process.pid}`,
        ...(opts.shareGroup ? { shareGroup: opts.shareGroup } : {}),
      },
      registry: 'unused.csv',
      store: { driver: 'sqlite', path: opts.dbFile || 'unused.db' },
      http: { bind: '127.0.0.1', port: 0 },
      figures: { contractWarningDays: 30, snapshotSeconds: 1 },
      log: { level: 'warn' },
    }),
  );
  const db = await openCentreDb(opts.store ?? { driver: 'sqlite', path: opts.dbFile });
  const log = createLog({ level: 'warn', name: 'centre-test' });
  const service = new CentreService({ config, registry, db, clock: systemClock, log });
  const http = new CentreHttp({ centre: service, registry, db, log });
  await service.start();
  const port = await http.start('127.0.0.1', 0);
  return {
    service,
    db,
    registry,
    config,
    http,
    port,
    async stop() {
      await http.stop();
      await service.stop();
      await db.destroy();
    },
  };
}

export async function until<T>(
  probe: () => Promise<T>,
  ok: (v: T) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const end = systemClock.monotonic() + timeoutMs;
  let last: T = await probe();
  while (!ok(last)) {
    if (systemClock.monotonic() > end)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last).slice(0, 600)}`);
    await systemClock.sleep(100);
    last = await probe();
  }
  return last;
}

/**
 * `startCentre`, stopped when the test (or, from `beforeAll`, the file) ends: before the broker
 * (`useBroker` registers it first), as an MQTT client's clean end waits for the broker.
 */
export async function useRunningCentre(opts: Parameters<typeof startCentre>[0]): Promise<RunningCentre> {
  const centre = await startCentre(opts);
  deferCleanup(() => centre.stop(), { first: true });
  return centre;
}

/** A started light gateway, stopped (publishing `offline`) when the test ends, before the broker. */
export async function useLightGateway(opts: LightGatewayOptions): Promise<LightGateway> {
  const g = new LightGateway(opts);
  deferCleanup(() => g.stop(), { first: true });
  await g.start();
  return g;
}

/** A camera as a healthy gateway reports it: online, integrated, recording. */
export function onlineCam(id: string): LightCamera {
  return { id, class: 'overview', status: 'online', integrated: true, cause: null, recording: 'ok' };
}
