import { configEntryFor } from '../config/cameraEntry.js';
import { credentialFor } from '../config/credentials.js';
import type { Config } from '../config/schema.js';
import type { Service } from '../shared/service.js';
import type { CameraRecord } from '../shared/types.js';
import { probeStream } from '../streams/probe.js';
import type { RtpTransport } from '../streams/rtsp/rtspSession.js';
import { StreamMonitor } from '../streams/streamMonitor.js';
import type { StreamTarget } from '../streams/streamTarget.js';
import { NotFoundError } from './control.js';
import type { WiringContext } from './modules.js';

/**
 * Streams: one StreamMonitor watches every camera in the directory. A change recomputes that
 * camera's target only (its credential may be read from a file; a first sweep of 1,024 cameras
 * must not re-read every camera's for each one found).
 */
export function wireStreams(ctx: WiringContext): Service[] {
  const log = ctx.log.child({ module: 'streams' });
  const targets = new Map<string, StreamTarget>();
  const track = (camera: CameraRecord): void => {
    const target = targetFor(ctx.config, camera, log);
    if (target) targets.set(camera.id, target);
    else targets.delete(camera.id);
  };
  for (const camera of ctx.cameras.all()) track(camera);
  const monitor = new StreamMonitor(
    { clock: ctx.clock, net: ctx.net, log, events: ctx.bus, aroundTick: (fire) => ctx.store.batch(fire) },
    { stallSeconds: ctx.config.health.stallSeconds, udpPortRange: ctx.config.streams.udpPortRange },
    [...targets.values()],
  );
  if (ctx.keyframes) ctx.keyframes.capture = (id, request) => monitor.captureKeyframes(id, request);
  ctx.cameras.subscribe((change) => {
    if (change.type === 'removed') targets.delete(change.camera.id);
    else track(change.camera);
    void monitor.setTargets([...targets.values()]);
  });
  // A corrected password (passwordFile rewritten): every target is rebuilt, and sessions whose
  // credential changed restart with it (sameTarget compares credentials).
  ctx.bus.on('credentials.reload', () => {
    for (const camera of ctx.cameras.all()) track(camera);
    void monitor.setTargets([...targets.values()]);
  });
  ctx.control.route('POST', '/probe', async (req) => {
    const cameraId = (req.body as { camera?: unknown } | undefined)?.camera;
    if (typeof cameraId !== 'string') throw new NotFoundError('probe needs {"camera": "<id>"}');
    const camera = ctx.cameras.get(cameraId);
    const target = camera && targetFor(ctx.config, camera, log);
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
    const target = targetFor(config, cam, log);
    if (target) out.push(target);
  }
  return out;
}

/** How one camera is watched: its config entry's `monitor` settings, else the sub stream, continuously. */
export function targetFor(
  config: Readonly<Config>,
  cam: CameraRecord,
  log: { warn: (obj: object, msg: string) => void },
): StreamTarget | undefined {
  const entry = configEntryFor(cam, config.cameras);
  const monitor = entry?.monitor;
  const profile = pickProfile(cam, monitor?.profile ?? 'sub');
  if (!profile) return undefined;
  let credential: StreamTarget['credential'];
  try {
    credential = credentialFor(config, { id: cam.id, address: cam.address });
  } catch (err) {
    log.warn({ err, cameraId: cam.id }, 'camera credential unreadable; watching without one');
  }
  return {
    cameraId: cam.id,
    url: profile.rtspUrl,
    ...(credential ? { credential } : {}),
    mode: monitor?.mode ?? 'continuous',
    intervalSeconds: monitor?.intervalSeconds ?? 300,
    durationSeconds: monitor?.durationSeconds ?? 10,
    ...(entry?.transport ? { transport: entry.transport } : {}),
  };
}

function pickProfile(cam: CameraRecord, want: 'main' | 'sub') {
  return (
    cam.profiles.find((p) => p.role === want) ?? cam.profiles[want === 'sub' ? cam.profiles.length - 1 : 0]
  );
}
