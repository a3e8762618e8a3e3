import { DiscoveryService } from '../discovery/discoveryService.js';
import { isoTs } from '../shared/clock.js';
import type { CamgateEvents } from '../shared/events.js';
import type { Service } from '../shared/service.js';
import { InventoryChangeRepo, type InventoryChangeType } from '../store/inventoryChangeRepo.js';
import { InventoryRepo } from '../store/inventoryRepo.js';
import type { WiringContext } from './modules.js';

/**
 * Discovery → inventory (SQLite) and its change history; the camera directory hears the changes on
 * the bus. `GET /cameras` and `POST /rediscover` on the control socket; a `discovery` status section
 * with installed vs planned per class.
 */
export function wireDiscovery(ctx: WiringContext): Service[] {
  const repo = new InventoryRepo(ctx.store.db);
  const service = new DiscoveryService({
    clock: ctx.clock,
    net: ctx.net,
    log: ctx.log.child({ module: 'discovery' }),
    bus: ctx.bus,
    config: ctx.config,
    inventory: repo,
  });
  ctx.bus.on('inventory.changed', changeRecorder(ctx));
  ctx.board.section('discovery', () => service.status());
  ctx.control.route('GET', '/cameras', () => ({
    // Configured (static) cameras first: they are the ones the technician typed in. The inventory
    // comes from the store, which has this sweep's lastSeenAt and clock offset (no event carries those).
    cameras: [...ctx.cameras.all().filter((c) => c.source === 'static'), ...service.inventory()],
    byClass: service.counts(),
  }));
  ctx.control.route('POST', '/rediscover', async () => ({
    sweep: await service.rediscover(),
    byClass: service.counts(),
  }));
  return [service];
}

const CHANGE_TYPES: Readonly<Record<string, InventoryChangeType>> = {
  'camera.added': 'added',
  'camera.replaced': 'replaced',
  'camera.removed': 'removed',
};

/**
 * Added / replaced / removed go to `inventory_changes` for `camgate report` (updates are routine
 * and not history). A failed write is logged; discovery itself carries on.
 */
function changeRecorder(ctx: WiringContext): (e: CamgateEvents['inventory.changed']) => void {
  const changes = new InventoryChangeRepo(ctx.store.db);
  const log = ctx.log.child({ module: 'discovery' });
  try {
    changes.markTrackingSince(isoTs(ctx.clock.now()));
  } catch (err) {
    log.error({ err }, 'could not mark the start of inventory change tracking');
  }
  return (e) => {
    const type = CHANGE_TYPES[e.type];
    if (!type) return;
    try {
      changes.record({
        type,
        camera: e.camera,
        previous: e.previous,
        atIso: isoTs(e.at),
        bootId: ctx.bootId,
      });
    } catch (err) {
      log.error({ err, cameraId: e.camera.id, change: e.type }, 'could not record an inventory change');
    }
  };
}
