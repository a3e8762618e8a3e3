import type { HealthState } from '../health/healthMachine.js';
import { isDown } from '../health/outage.js';
import type { CameraRecord, StreamStats } from '../shared/types.js';

/**
 * While a camera is down its last fps/bitrate/loss are history, not state: the centre would read
 * "25 fps" on an offline camera. Codec and resolution stay (they identify the stream); `why` keeps all.
 */
export function boardStream(state: HealthState): StreamStats {
  const stats = state.stats ?? {};
  if (!isDown(state.status)) return stats;
  return { codec: stats.codec, width: stats.width, height: stats.height };
}

/** The ONVIF call that refused our credentials at the camera's last interrogation, if that is its problem. */
export function onvifAuthCall(camera: CameraRecord): string | undefined {
  if (camera.problem?.code !== 'ONVIF_AUTH') return undefined;
  // soapClient.ts / soapFault.ts messages start with the action: "GetProfiles: HTTP 401, ...".
  const action = /^([A-Za-z0-9]+):/.exec(camera.problem.message)?.[1];
  return action ?? 'call';
}

/** The fps the camera is configured to send; the sub profile is what the health session watches by default. */
export function expectedFpsOf(camera: CameraRecord): number | undefined {
  const withFps = camera.profiles.filter((p) => p.fps !== undefined && p.fps > 0);
  const pick = withFps.find((p) => p.role === 'sub') ?? withFps.find((p) => p.role === 'main') ?? withFps[0];
  return pick?.fps;
}
