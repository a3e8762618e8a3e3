import type { HealthEvent, HealthState } from '../health/healthMachine.js';
import { isDown } from '../health/outage.js';
import type { WhyDoc } from '../health/whyReport.js';
import type { CameraRecord, CameraStatus, StreamStats } from '../shared/types.js';

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

/**
 * Whether the last interrogation proves the camera unreachable: ONVIF timed out, no stream URI is
 * known to watch instead, and nothing was ever learnt from the camera itself. A camera that told us
 * its clock, identity or interfaces answered, and only a later call (GetProfiles on a slow or
 * sweep-loaded camera) ran out of time: that is no evidence of a dead camera, it stays `unknown`.
 * The record is what inventory keeps: a camera that answered an earlier sweep keeps what it told us.
 */
export function onvifUnreachable(camera: CameraRecord): boolean {
  if (camera.problem?.code !== 'ONVIF_TIMEOUT' || camera.profiles.length > 0) return false;
  return !answeredOnvif(camera);
}

/** Something only the camera could have told us: GetSystemDateAndTime, GetDeviceInformation or GetNetworkInterfaces. */
function answeredOnvif(camera: CameraRecord): boolean {
  const learnt = [
    camera.manufacturer,
    camera.model,
    camera.serial,
    camera.firmware,
    camera.hardwareId,
    camera.mac,
  ];
  return camera.clockOffsetMs !== undefined || learnt.some((v) => v !== undefined && v.trim() !== '');
}

/**
 * The health sample the last interrogation proves, if any: a refused ONVIF call → `unauthorized`
 * (the call named), an ONVIF timeout of a camera that never answered → `unreachable`. Nothing while
 * video flows (`status` online/degraded): the stream's own verdict wins.
 */
export function interrogationSample(
  camera: CameraRecord,
  status: CameraStatus | undefined,
): Extract<HealthEvent, { type: 'sample' }> | undefined {
  if (status === 'online' || status === 'degraded') return undefined;
  const call = onvifAuthCall(camera);
  if (call !== undefined)
    return { type: 'sample', kind: 'unauthorized', detail: camera.problem?.message, call: `onvif ${call}` };
  if (onvifUnreachable(camera))
    return { type: 'sample', kind: 'unreachable', detail: `onvif ${camera.problem?.message}` };
  return undefined;
}

/** The interrogation problem as `why` evidence, e.g. `onvif ONVIF_TIMEOUT: 127.0.0.1:8080: ...`. */
export function interrogationDetail(camera: CameraRecord): string | undefined {
  return camera.problem && `onvif ${camera.problem.code}: ${camera.problem.message}`;
}

/** The interrogation problem joins the stream's evidence unless the stream's detail already says it. */
export function withInterrogation(doc: WhyDoc, problem: string | undefined): WhyDoc {
  if (problem === undefined || !doc.found || !doc.evidence) return doc;
  const detail = doc.evidence.detail;
  if (detail !== undefined && problem.includes(detail.replace(/^onvif /, ''))) return doc;
  return { ...doc, evidence: { ...doc.evidence, detail: detail ? `${detail}; ${problem}` : problem } };
}

/** The fps the camera is configured to send; the sub profile is what the health session watches by default. */
export function expectedFpsOf(camera: CameraRecord): number | undefined {
  const withFps = camera.profiles.filter((p) => p.fps !== undefined && p.fps > 0);
  const pick = withFps.find((p) => p.role === 'sub') ?? withFps.find((p) => p.role === 'main') ?? withFps[0];
  return pick?.fps;
}
