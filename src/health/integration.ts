import type { CameraStatus, IntegrationCause, RecordingStatus } from '../shared/types.js';

/** The centre's retained state from `mqtt.centreStateTopic`, when the handshake is configured. */
export type CentreState = 'online' | 'offline' | 'unknown';

export interface IntegrationInput {
  readonly status: CameraStatus;
  /** Reasons from the health machine; a stalled stream is told apart from an unreachable camera by them. */
  readonly reasons: readonly string[];
  readonly recording: RecordingStatus;
  readonly uplinkUp: boolean;
  /** Undefined when no handshake is configured: then the uplink alone decides. */
  readonly centre?: CentreState;
}

export interface Integration {
  readonly integrated: boolean;
  readonly cause: IntegrationCause | undefined;
}

const STALL_REASON = /stall|no packets|frames? not advancing|keyframe/i;

/**
 * Pure: a camera is integrated when its stream is healthy, its recording is healthy (where
 * enabled) and the uplink to the centre is up (ARCHITECTURE.md). The cause is the first broken
 * link in camera → stream → recording → uplink.
 */
export function integrationOf(input: IntegrationInput): Integration {
  const cause = firstBrokenLink(input);
  return { integrated: cause === undefined, cause };
}

function firstBrokenLink(input: IntegrationInput): IntegrationCause | undefined {
  switch (input.status) {
    case 'unauthorized':
      return 'unauthorized';
    case 'offline':
      return input.reasons.some((r) => STALL_REASON.test(r)) ? 'stream_stalled' : 'camera_offline';
    case 'unknown':
      return 'camera_offline';
    case 'degraded':
      // Degraded (low fps, loss) still delivers video: the centre gets a picture, so it counts.
      break;
    case 'online':
      break;
  }
  if (input.recording === 'stale') return 'recording_stale';
  if (!input.uplinkUp) return 'uplink_down';
  if (input.centre !== undefined && input.centre !== 'online') return 'uplink_down';
  return undefined;
}
