import { isoTs } from '../shared/clock.js';
import type { RecordingStatus } from '../shared/types.js';
import type { CameraWatch, SanityStats } from './cameraWatch.js';
import type { RuleVerdict } from './recordingRule.js';

/** One camera's recording as the board, `status` and `camgate why` show it. */
export interface CameraRecordingView {
  readonly cameraId: string;
  readonly source: string;
  readonly status: RecordingStatus;
  readonly detail: string;
  readonly lastSegmentAt?: string;
  readonly recorder?: {
    running: boolean;
    pid?: number;
    starts: number;
    crashLoop: boolean;
    lastExit?: string;
    stderrTail: readonly string[];
  };
  readonly sanity: SanityStats;
}

/** The view of a watch and its latest verdict (none yet: 'unknown', not yet checked). */
export function recordingView(w: CameraWatch, verdict: RuleVerdict | undefined): CameraRecordingView {
  const v = verdict ?? { status: 'unknown', detail: 'not yet checked' };
  const rec = w.recorder();
  const last = w.lastSegmentAt();
  return {
    cameraId: w.plan.cameraId,
    source: w.plan.source,
    status: v.status,
    detail: v.detail,
    lastSegmentAt: last === undefined ? undefined : isoTs(last),
    recorder: rec && {
      running: rec.running,
      pid: rec.pid,
      starts: rec.starts,
      crashLoop: rec.crashLoop,
      lastExit: rec.lastExit?.message,
      stderrTail: rec.tail,
    },
    sanity: { ...w.sanity },
  };
}
