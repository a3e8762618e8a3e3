import type { CameraStatus, OutageEdge, RecordingStatus } from '../shared/types.js';

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
