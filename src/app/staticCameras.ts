import { rtspCameraId } from '../config/cameraEntry.js';
import type { CameraConfig } from '../config/schema.js';
import { safeUrl } from '../shared/redact.js';
import type { CameraRecord } from '../shared/types.js';

/**
 * Cameras declared in config with an `rtsp` URL (no ONVIF): they join the inventory as they are.
 * Entries with only an address are ONVIF targets for discovery; entries with only id/serial/mac
 * are overrides and are not cameras by themselves.
 */
export function staticCameras(cameras: readonly CameraConfig[], nowIso: string): CameraRecord[] {
  const out: CameraRecord[] = [];
  for (const c of cameras) {
    if (!c.rtsp) continue;
    const url = new URL(c.rtsp);
    out.push({
      id: c.id ?? rtspCameraId(url),
      address: url.hostname,
      source: 'static',
      class: c.class ?? 'overview',
      ptz: false,
      classConfidence: c.class ? 1 : 0,
      classEvidence: c.class ? ['config: class set'] : ['config: no class given, default overview'],
      profiles: [{ token: 'static', name: 'static', rtspUrl: safeUrl(c.rtsp), role: 'main' }],
      firstSeenAt: nowIso,
      lastSeenAt: nowIso,
    });
  }
  return out;
}
