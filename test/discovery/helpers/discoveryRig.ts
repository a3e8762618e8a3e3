import { configSchema } from '../../../src/config/schema.js';
import type { DiscoveryRun } from '../../../src/discovery/discover.js';
import { DiscoveryService } from '../../../src/discovery/discoveryService.js';
import type { Interrogation } from '../../../src/discovery/interrogate.js';
import { type CamgateEvents, EventBus } from '../../../src/shared/events.js';
import { silentLog } from '../../../src/shared/log.js';
import type { Net } from '../../../src/shared/net.js';
import { InventoryRepo } from '../../../src/store/inventoryRepo.js';
import { Store } from '../../../src/store/store.js';
import { FakeClock } from '../../helpers/fakeClock.js';

/** No interfaces, no sockets: the service under test gets its devices from the injected `run`. */
export const noNet: Net = {
  interfaces: () => ({}),
  connect: () => {
    throw new Error('no network in this test');
  },
  udp: () => {
    throw new Error('no network in this test');
  },
};

export function cam(address: string, over: Partial<Interrogation> = {}): Interrogation {
  return {
    target: {
      address,
      xaddr: `http://${address}/onvif/device_service`,
      endpointRef: `urn:uuid:${address}`,
      via: 'unicast',
    },
    info: { manufacturer: 'DVC', model: 'DCN-BM2220LPR', serial: `S${address}` },
    mac: `00:1c:27:00:00:${address.split('.').pop()?.padStart(2, '0')}`,
    profiles: [],
    clockOffsetMs: 0,
    classification: { class: 'lpr', ptz: false, confidence: 0.85, evidence: ['model'] },
    ...over,
  };
}

/** A DiscoveryService over an in-memory store whose sweeps return `results` in turn (the last repeats). */
export function setup(
  results: Interrogation[][],
  missedSweepsBeforeRemoved = 1,
  discovery: Record<string, unknown> = {},
) {
  const clock = new FakeClock();
  const bus = new EventBus();
  const store = Store.open({ dir: ':memory:', log: silentLog() });
  const config = configSchema.parse({
    site: { id: 's', planned: { lpr: 10 } },
    gateway: { id: 'g' },
    discovery: { missedSweepsBeforeRemoved, ...discovery },
  });
  const events: CamgateEvents['inventory.changed'][] = [];
  const drift: CamgateEvents['camera.clockDrift'][] = [];
  bus.on('inventory.changed', (e) => events.push(e));
  bus.on('camera.clockDrift', (e) => drift.push(e));
  let sweep = 0;
  const run = async (): Promise<DiscoveryRun> => {
    const r = results[Math.min(sweep++, results.length - 1)] ?? [];
    return {
      targets: r.map((x) => x.target),
      results: r,
      dropped: { spoofed: 0, unsolicited: 0, malformed: 0 },
      durationMs: 1,
      findMs: 1,
    };
  };
  const make = () =>
    new DiscoveryService({
      clock,
      net: noNet,
      log: silentLog(),
      bus,
      config,
      inventory: new InventoryRepo(store.db),
      run,
    });
  return { clock, bus, store, config, events, drift, make };
}
