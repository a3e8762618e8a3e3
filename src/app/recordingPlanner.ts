import { credentialFor } from '../config/credentials.js';
import type { CameraPlan } from '../recording/cameraWatch.js';
import { planFor } from '../recording/recordingPlans.js';
import type { CameraRecord } from '../shared/types.js';
import { edgeProbeFor } from './edgeProbes.js';
import type { WiringContext } from './modules.js';

/**
 * Plans for the directory's cameras, with the live Profile G probe for those in `recording.edge`.
 * The probe reads the camera's clock offset from the directory when it asks (edge DataUntil is
 * on the camera's clock, and a probe outlives the sweep that built it), and credentials per call
 * (a changed password is picked up).
 */
export function recordingPlanner(ctx: WiringContext): (camera: CameraRecord) => CameraPlan {
  const { config } = ctx;
  // What the stream monitor's sessions played over: the recorder follows it (UDP-only cameras).
  const transports = new Map<string, 'tcp' | 'udp'>();
  ctx.bus.on('stream.sample', (s) => {
    if (s.stats?.transport) transports.set(s.cameraId, s.stats.transport);
  });
  ctx.cameras.subscribe((change) => {
    if (change.type === 'removed') transports.delete(change.camera.id);
  });
  const deps = { clock: ctx.clock, net: ctx.net, log: ctx.log.child({ module: 'recording' }) };
  return (camera) => {
    const credential = () => credentialFor(config, { id: camera.id, address: camera.address });
    return planFor(
      camera,
      config,
      credential,
      () => edgeProbeFor(deps, camera, credential, () => ctx.cameras.get(camera.id)?.clockOffsetMs),
      () => transports.get(camera.id),
    );
  };
}
