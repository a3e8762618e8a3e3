import type { UplinkOutageCause } from '../shared/causes.js';
import type { CameraStatus, CentreState, OutageEdge, RecordingStatus } from '../shared/types.js';

/**
 * The one definition of "down" and of where an outage starts and ends. The health machine stamps
 * every transition with its edge; the history (outages table) and the uplink (`outage.start` /
 * `outage.end` events) only consume it, so the two can never disagree. A new down status, or a
 * new kind of outage (the uplink's own), is added here.
 */
export const DOWN_STATUSES: ReadonlySet<CameraStatus> = new Set<CameraStatus>(['offline', 'unauthorized']);

/** Down: the camera delivers no video the centre can use (counts against uptime). */
export function isDown(status: CameraStatus): boolean {
  return DOWN_STATUSES.has(status);
}

/**
 * The outage edge of one stream status transition. Entering down from anything (unknown included:
 * a camera dead since boot is an outage, not "no data") starts one; leaving down for a status that
 * delivers video ends it. Down to `unknown` ends nothing: no one has seen the camera come back.
 * Down to down (offline → unauthorized) is the same outage.
 */
export function streamOutageEdge(from: CameraStatus, to: CameraStatus): OutageEdge | undefined {
  return outageEdge(isDown(from), isDown(to) ? 'down' : to === 'unknown' ? 'unknown' : 'up');
}

/**
 * The outage edge of a recording status change (`recording.stale` / `recording.ok` to the centre):
 * stale is down, ok is up; off and unknown end nothing (nobody verified recording came back).
 */
export function recordingOutageEdge(
  from: RecordingStatus | undefined,
  to: RecordingStatus,
): OutageEdge | undefined {
  return outageEdge(from === 'stale', to === 'stale' ? 'down' : to === 'ok' ? 'up' : 'unknown');
}

/** The edge rule shared by every kind of outage: down after not-down starts, known-up after down ends. */
export function outageEdge(wasDown: boolean, now: 'down' | 'up' | 'unknown'): OutageEdge | undefined {
  if (!wasDown && now === 'down') return 'start';
  if (wasDown && now === 'up') return 'end';
  return undefined;
}

/** What the gateway knows of its own uplink: the broker link, and the centre's handshake where configured. */
export interface UplinkLink {
  readonly connected: boolean;
  /** Undefined when no centre handshake is configured. */
  readonly centre?: CentreState;
  /** Why the broker link is down, while not connected. */
  readonly cause?: UplinkOutageCause;
}

/**
 * The uplink's own outage (kind `uplink`, issue #12). Down: no broker session, or a session while
 * the configured centre says it is not online (the same rule that makes cameras `uplink_down`).
 * Connected with the centre's state not yet heard is unknown: it neither starts nor ends an outage,
 * so the few milliseconds between CONNACK and the retained centre state are not an outage (a centre
 * that stays silent is one: app/uplinkOutages.ts opens it after a grace, dated from the connect).
 */
export function uplinkOutageEdge(wasDown: boolean, link: UplinkLink): OutageEdge | undefined {
  return outageEdge(wasDown, uplinkLinkState(link));
}

export function uplinkLinkState(link: UplinkLink): 'down' | 'up' | 'unknown' {
  if (!link.connected) return 'down';
  if (link.centre === undefined || link.centre === 'online') return 'up';
  return link.centre === 'unknown' ? 'unknown' : 'down';
}

/** The cause an uplink outage starting now is recorded with. */
export function uplinkOutageCause(link: UplinkLink): UplinkOutageCause {
  if (link.connected) return 'centre_offline';
  return link.cause ?? 'broker_unreachable';
}
