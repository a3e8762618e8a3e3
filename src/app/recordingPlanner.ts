import { credentialFor } from '../config/credentials.js';
import type { CameraPlan } from '../recording/cameraWatch.js';
import { planFor } from '../recording/recordingPlans.js';
import type { CameraRecord } from '../shared/types.js';
import { edgeProbeFor } from './edgeProbes.js';
import type { WiringContext } from './modules.js';

export interface RecordingPlanner {
  plan(camera: CameraRecord): CameraPlan;
  /** A camera left: drop what was kept for it. */
  forget(cameraId: string): void;
}

/**
 * Plans for inventory and static cameras, with the live Profile G probe for those in
 * `recording.edge`. The probe reads the camera's clock offset as the latest interrogation measured
 * it (edge DataUntil is on the camera's clock), and credentials per call (a changed password is
 * picked up).
 */
export function recordingPlanner(ctx: WiringContext): RecordingPlanner {
  const { config } = ctx;
  const clockOffsets = new Map<string, number | undefined>();
  // What the stream monitor's sessions played over: the recorder follows it (UDP-only cameras).
  const transports = new Map<string, 'tcp' | 'udp'>();
  ctx.bus.on('stream.sample', (s) => {
    if (s.stats?.transport) transports.set(s.cameraId, s.stats.transport);
  });
  const deps = { clock: ctx.clock, net: ctx.net, log: ctx.log.child({ module: 'recording' }) };
  return {
    plan(camera) {
      const credential = () => credentialFor(config, { id: camera.id, address: camera.address });
      clockOffsets.set(camera.id, camera.clockOffsetMs);
      return planFor(
        camera,
        config,
        credential,
        () => edgeProbeFor(deps, camera, credential, () => clockOffsets.get(camera.id)),
        () => transports.get(camera.id),
      );
    },
    forget(cameraId) {
      clockOffsets.delete(cameraId);
      transports.delete(cameraId);
    },
  };
}
