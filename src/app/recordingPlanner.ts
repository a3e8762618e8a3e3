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
  const deps = { clock: ctx.clock, net: ctx.net, log: ctx.log.child({ module: 'recording' }) };
  return (camera) => {
    const credential = () => credentialFor(config, { id: camera.id, address: camera.address });
    return planFor(camera, config, credential, () =>
      edgeProbeFor(deps, camera, credential, () => ctx.cameras.get(camera.id)?.clockOffsetMs),
    );
  };
}
