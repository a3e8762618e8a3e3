import type { RecordingStatus } from '../shared/types.js';

/** Where a camera's recording is supposed to come from; one verification model for all three. */
export type RecordingSourceKind = 'own' | 'external' | 'edge';

/** Evidence gathered about one camera's recording, in the daemon's wall-clock milliseconds. */
export interface RecordingEvidence {
  readonly source: RecordingSourceKind | 'none';
  /** When watching began (service start or recorder (re)start): grace before "no segment" counts. */
  readonly watchingSince: number;
  /** Newest write seen: our newest segment's appearance, external file mtime, edge DataUntil. */
  readonly lastWriteAt?: number;
  /** Own recorder: last time ffmpeg's progress advanced (frame or out_time grew). */
  readonly lastProgressAt?: number;
  /** Own recorder: is an ffmpeg process running right now. */
  readonly recorderRunning?: boolean;
  /** Own recorder gave up restarting (crash loop) or the source cannot be read. */
  readonly failure?: string;
  /**
   * The source could not be asked (edge: search service unreachable, hanging or answering
   * garbage): we cannot tell whether it records, so the verdict is 'unknown', not 'stale'.
   */
  readonly unverifiable?: string;
}

export interface RuleOptions {
  readonly segmentSeconds: number;
  readonly stallSeconds: number;
  /** Slack after a stall before we call it stale (ffmpeg reports progress once a second). */
  readonly stallGraceSeconds?: number;
  /** Slack after an expected segment before we call it stale (ARCHITECTURE: segment + 30 s). */
  readonly segmentGraceSeconds?: number;
}

/** Short stable cause of a stale verdict; stored as the recording outage's cause. */
export type StaleCause =
  | 'recorder_failing'
  | 'recorder_not_running'
  | 'recorder_stalled'
  | 'no_new_segment'
  | 'external_writer_stopped'
  | 'edge_not_advancing';

export interface RuleVerdict {
  readonly status: RecordingStatus;
  readonly detail: string;
  readonly cause?: StaleCause;
}

const SEGMENT_CAUSE: Record<RecordingSourceKind, StaleCause> = {
  own: 'no_new_segment',
  external: 'external_writer_stopped',
  edge: 'edge_not_advancing',
};

/**
 * The staleness rule, pure. Own recorder: stale once progress stops advancing for
 * stallSeconds + grace, or no new segment within segment + 30 s. External writer and edge storage
 * give no progress, so only the segment rule applies to them.
 */
export function judgeRecording(e: RecordingEvidence, now: number, o: RuleOptions): RuleVerdict {
  if (e.source === 'none') return { status: 'off', detail: 'recording not enabled for this camera' };
  if (e.failure) return { status: 'stale', detail: e.failure, cause: 'recorder_failing' };
  if (e.unverifiable) return { status: 'unknown', detail: e.unverifiable };
  const segmentLimitMs = (o.segmentSeconds + (o.segmentGraceSeconds ?? 30)) * 1000;
  if (e.source === 'own') {
    const stallLimitMs = (o.stallSeconds + (o.stallGraceSeconds ?? 3)) * 1000;
    const progressRef = e.lastProgressAt ?? e.watchingSince;
    if (now - progressRef > stallLimitMs && now - e.watchingSince > stallLimitMs) {
      const down = e.recorderRunning === false;
      const why = down ? 'recorder not running' : 'recorder progress stalled';
      return {
        status: 'stale',
        detail: `${why} for ${Math.round((now - progressRef) / 1000)} s`,
        cause: down ? 'recorder_not_running' : 'recorder_stalled',
      };
    }
  }
  // Our recorder just (re)started gets a grace period from watchingSince; for an external writer
  // or edge storage an old last write is evidence enough (it stopped while we were not looking).
  const writeRef =
    e.source === 'own' || e.lastWriteAt === undefined
      ? Math.max(e.lastWriteAt ?? Number.NEGATIVE_INFINITY, e.watchingSince)
      : e.lastWriteAt;
  if (now - writeRef > segmentLimitMs) {
    const age = e.lastWriteAt === undefined ? 'never' : `${Math.round((now - e.lastWriteAt) / 1000)} s ago`;
    const cause = SEGMENT_CAUSE[e.source];
    return { status: 'stale', detail: `no new recording data (last write ${age})`, cause };
  }
  if (e.lastWriteAt === undefined || now - e.lastWriteAt > segmentLimitMs) {
    // Old files alone prove nothing: within the start-up grace we wait for a fresh write.
    return { status: 'unknown', detail: 'waiting for a new segment' };
  }
  return { status: 'ok', detail: 'recording' };
}
