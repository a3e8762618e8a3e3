import { isoTs } from '../shared/clock.js';
import type { CameraRecord } from '../shared/types.js';
import type { WiringContext } from './modules.js';
import { staticCameras } from './staticCameras.js';

/**
 * The site's cameras as a wiring sees them: static cameras from config, then whatever discovery
 * reports through `inventory.changed`. `onChange` runs after each change is applied.
 */
export function trackCameras(
  ctx: Pick<WiringContext, 'config' | 'clock' | 'bus'>,
  onChange?: (cameras: ReadonlyMap<string, CameraRecord>) => void,
): ReadonlyMap<string, CameraRecord> {
  const cameras = new Map<string, CameraRecord>();
  for (const cam of staticCameras(ctx.config.cameras, isoTs(ctx.clock.now()))) cameras.set(cam.id, cam);
  ctx.bus.on('inventory.changed', (change) => {
    if (change.type === 'camera.removed') cameras.delete(change.camera.id);
    else cameras.set(change.camera.id, change.camera);
    onChange?.(cameras);
  });
  return cameras;
}
