import { credentialFor } from '../config/credentials.js';
import type { CameraConfig, Config } from '../config/schema.js';
import { isoTs } from '../shared/clock.js';
import type { Service } from '../shared/service.js';
import type { CameraRecord } from '../shared/types.js';
import { StreamMonitor } from '../streams/streamMonitor.js';
import type { StreamTarget } from '../streams/streamTarget.js';
import type { WiringContext } from './modules.js';
import { staticCameras } from './staticCameras.js';

/**
 * Streams: one StreamMonitor watches every camera in the inventory (static cameras from config,
 * plus what discovery reports through `inventory.changed`).
 */
export function wireStreams(ctx: WiringContext): Service[] {
  const cameras = new Map<string, CameraRecord>();
  for (const cam of staticCameras(ctx.config.cameras, isoTs(ctx.clock.now()))) cameras.set(cam.id, cam);
  const log = ctx.log.child({ module: 'streams' });
  const monitor = new StreamMonitor(
    { clock: ctx.clock, net: ctx.net, log, events: ctx.bus },
    { stallSeconds: ctx.config.health.stallSeconds },
    targetsFor(ctx.config, cameras.values(), log),
  );
  ctx.bus.on('inventory.changed', (change) => {
    if (change.type === 'camera.removed') cameras.delete(change.camera.id);
    else cameras.set(change.camera.id, change.camera);
    void monitor.setTargets(targetsFor(ctx.config, cameras.values(), log));
  });
  return [monitor];
}

export function targetsFor(
  config: Readonly<Config>,
  cameras: Iterable<CameraRecord>,
  log: { warn: (obj: object, msg: string) => void },
): StreamTarget[] {
  const out: StreamTarget[] = [];
  for (const cam of cameras) {
    const override = cameraOverride(config.cameras, cam);
    const monitor = override?.monitor;
    const profile = pickProfile(cam, monitor?.profile ?? 'sub');
    if (!profile) continue;
    let credential: StreamTarget['credential'];
    try {
      credential = credentialFor(config, { id: cam.id, address: cam.address });
    } catch (err) {
      log.warn({ err, cameraId: cam.id }, 'camera credential unreadable; watching without one');
    }
    out.push({
      cameraId: cam.id,
      url: profile.rtspUrl,
      ...(credential ? { credential } : {}),
      mode: monitor?.mode ?? 'continuous',
      intervalSeconds: monitor?.intervalSeconds ?? 300,
      durationSeconds: monitor?.durationSeconds ?? 10,
    });
  }
  return out;
}

function pickProfile(cam: CameraRecord, want: 'main' | 'sub') {
  return (
    cam.profiles.find((p) => p.role === want) ?? cam.profiles[want === 'sub' ? cam.profiles.length - 1 : 0]
  );
}

export function cameraOverride(
  entries: readonly CameraConfig[],
  cam: CameraRecord,
): CameraConfig | undefined {
  return entries.find(
    (c) =>
      (c.id !== undefined && c.id === cam.id) ||
      (c.address !== undefined && c.address === cam.address) ||
      (c.serial !== undefined && c.serial === cam.serial) ||
      (c.mac !== undefined && cam.mac !== undefined && c.mac.toLowerCase() === cam.mac.toLowerCase()),
  );
}
