import { firstCause, streamCauseOf } from '../shared/causes.js';
import {
  type CameraStatus,
  type CentreState,
  type IntegrationCause,
  PICTURE_REASONS,
  type RecordingStatus,
} from '../shared/types.js';

const PICTURE_REASON_SET: ReadonlySet<string> = new Set(PICTURE_REASONS);

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

/**
 * Pure: a camera is integrated when its stream is healthy, its recording is healthy (where
 * enabled) and the uplink to the centre is up (ARCHITECTURE.md). The cause is the first broken
 * link in camera → stream → recording → uplink. The camera/stream link comes from the health
 * machine's own `streamCauseOf`, so `camgate why` and the uplink can never disagree.
 * Degraded (low fps, loss) still delivers video: the centre gets a picture, so it counts; a
 * degraded picture (dark, covered, blurred, turned, frozen) does not.
 */
export function integrationOf(input: IntegrationInput): Integration {
  const cause = firstBrokenLink(input);
  return { integrated: cause === undefined, cause };
}

/** Every broken link is collected; the cause table's chain order (shared/causes.ts) picks the first. */
function firstBrokenLink(input: IntegrationInput): IntegrationCause | undefined {
  const broken = new Set<IntegrationCause>();
  const stream = streamCauseOf(input.status, input.reasons);
  if (stream !== undefined) broken.add(stream);
  // A picture nobody can use (issue #17) delivers video but not surveillance: not integrated.
  if (input.status === 'degraded' && input.reasons.some((r) => PICTURE_REASON_SET.has(r)))
    broken.add('picture_degraded');
  if (input.recording === 'stale') broken.add('recording_stale');
  if (!input.uplinkUp || (input.centre !== undefined && input.centre !== 'online')) broken.add('uplink_down');
  return firstCause(broken);
}
