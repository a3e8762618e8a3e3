import { credentialFor } from '../config/credentials.js';
import type { CameraConfig, Config } from '../config/schema.js';
import type { Service } from '../shared/service.js';
import type { CameraRecord } from '../shared/types.js';
import { probeStream } from '../streams/probe.js';
import type { RtpTransport } from '../streams/rtsp/rtspSession.js';
import { StreamMonitor } from '../streams/streamMonitor.js';
import type { StreamTarget } from '../streams/streamTarget.js';
import { trackCameras } from './cameraIndex.js';
import { NotFoundError } from './control.js';
import type { WiringContext } from './modules.js';

/**
 * Streams: one StreamMonitor watches every camera in the inventory (static cameras from config,
 * plus what discovery reports through `inventory.changed`).
 */
export function wireStreams(ctx: WiringContext): Service[] {
  const cameras = trackCameras(
    ctx,
    (all) => void monitor.setTargets(targetsFor(ctx.config, all.values(), log)),
  );
  const log = ctx.log.child({ module: 'streams' });
  const monitor = new StreamMonitor(
    { clock: ctx.clock, net: ctx.net, log, events: ctx.bus },
    { stallSeconds: ctx.config.health.stallSeconds, udpPortRange: ctx.config.streams.udpPortRange },
    targetsFor(ctx.config, cameras.values(), log),
  );
  ctx.control.route('POST', '/probe', async (req) => {
    const cameraId = (req.body as { camera?: unknown } | undefined)?.camera;
    if (typeof cameraId !== 'string') throw new NotFoundError('probe needs {"camera": "<id>"}');
    const target = targetsFor(ctx.config, cameras.values(), log).find((t) => t.cameraId === cameraId);
    if (!target) throw new NotFoundError(`unknown camera ${cameraId}`);
    const learnt = monitor.transportOf(cameraId);
    const transports: RtpTransport[] | undefined =
      target.transport === 'tcp' || target.transport === 'udp'
        ? [target.transport]
        : learnt === 'udp'
          ? ['udp', 'tcp']
          : undefined;
    return probeStream(
      { clock: ctx.clock, net: ctx.net, log },
      { url: target.url, credential: target.credential, transports },
    );
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
      ...(override?.transport ? { transport: override.transport } : {}),
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
