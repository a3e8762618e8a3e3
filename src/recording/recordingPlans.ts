import { configEntryFor } from '../config/cameraEntry.js';
import type { Config } from '../config/schema.js';
import type { CameraRecord } from '../shared/types.js';
import { type UrlCredential, withCredentials } from '../shared/urlCredentials.js';
import type { CameraPlan, EdgeProbe } from './cameraWatch.js';

export type { UrlCredential as PlanCredential } from '../shared/urlCredentials.js';
/** The RTSP URL ffmpeg gets (it carries the password): one helper for the recorder, snapshots and `camgate live`. */
export { withCredentials } from '../shared/urlCredentials.js';

/**
 * Which source verifies a camera's recording: an external recorder named in
 * `recording.external` wins (we never record twice), then the camera's own storage named in
 * `recording.edge` (ONVIF Profile G, asked through `edge`), then our own ffmpeg when
 * `cameras[].record` (or `recording.enabled` by default) says so, else none ('off').
 */
export function planFor(
  camera: Pick<CameraRecord, 'id' | 'address' | 'serial' | 'mac' | 'profiles' | 'xaddr'>,
  config: Pick<Config, 'recording' | 'cameras'>,
  credential: () => UrlCredential | undefined,
  edge?: () => EdgeProbe,
  learntTransport?: () => 'tcp' | 'udp' | undefined,
): CameraPlan {
  const external = config.recording.external.find((e) => e.camera === camera.id);
  if (external) {
    return {
      cameraId: camera.id,
      source: 'external',
      pattern: external.pattern,
      key: `external|${external.pattern}`,
    };
  }
  if (config.recording.edge.some((e) => e.camera === camera.id)) {
    // Same device service at the same address: same probe (a sweep's update must not rebuild it).
    return {
      cameraId: camera.id,
      source: 'edge',
      edge: edge?.(),
      key: `edge|${camera.address}|${camera.xaddr ?? ''}`,
    };
  }
  const override = configEntryFor(camera, config.cameras);
  const record = override?.record ?? config.recording.enabled;
  // Evidence for incidents: the main (full resolution) profile by default, not the monitoring sub
  // stream; a camera without the asked-for role records what it has.
  const role = override?.recordProfile ?? config.recording.profile;
  const profile = camera.profiles.find((p) => p.role === role) ?? camera.profiles[0];
  if (!record || !profile) return { cameraId: camera.id, source: 'none', key: 'none' };
  return {
    cameraId: camera.id,
    source: 'own',
    url: () => withCredentials(profile.rtspUrl, credential()),
    transport: () =>
      override?.transport === 'tcp' || override?.transport === 'udp'
        ? override.transport
        : learntTransport?.(),
    key: `own|${profile.rtspUrl}`,
  };
}

/** Whether recording needs a service at all with this configuration. */
export function recordingWanted(config: Pick<Config, 'recording' | 'cameras'>): boolean {
  return (
    ownRecordingWanted(config) || config.recording.external.length > 0 || config.recording.edge.length > 0
  );
}

/**
 * Whether our own ffmpeg is to record cameras: only then is recording.dir our disk to guard
 * (retention, disk alarms, the database sharing it). Edge and external video lives elsewhere.
 */
export function ownRecordingWanted(config: Pick<Config, 'recording' | 'cameras'>): boolean {
  return config.recording.enabled || config.cameras.some((c) => c.record === true);
}
