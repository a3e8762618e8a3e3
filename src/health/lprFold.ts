import { type CameraStatus, LPR_NO_READS, type LprView } from '../shared/types.js';

/** The stream's own status as the health machine decided it. */
export interface StreamState {
  readonly status: CameraStatus;
  readonly reasons: readonly string[];
  readonly since: string;
}

/**
 * Pure: the stream's state with an LPR verdict laid over it (issue #17). `no_reads` turns a camera
 * whose stream is up `degraded` with the reason `lpr_no_reads`, since `lprSince` (when the verdict
 * changed); it stays integrated (the picture reaches the centre, `cause` stays null). A camera
 * whose stream is down keeps the stream's view: its reads were not the question.
 */
export function foldLpr(
  stream: StreamState,
  lpr: LprView | undefined,
  lprSince: string | undefined,
): StreamState {
  const reasons = stream.reasons.filter((r) => r !== LPR_NO_READS);
  const up = stream.status === 'online' || stream.status === 'degraded';
  if (lpr?.status !== 'no_reads' || !up) return { ...stream, reasons };
  return {
    status: 'degraded',
    reasons: [...reasons, LPR_NO_READS],
    since: stream.status === 'online' ? (lprSince ?? stream.since) : stream.since,
  };
}
