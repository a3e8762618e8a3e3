import type { CameraClass } from '../shared/types.js';
import type { Span } from './spans.js';

/** Plain data the report is computed from; `input.ts` builds it from the database and config. */
export interface ReportInput {
  readonly window: Span;
  /** Time after `nowMs` has not happened yet and is never counted. */
  readonly nowMs: number;
  readonly site: { readonly id: string; readonly name: string; readonly planned?: PlannedCounts };
  readonly cameras: readonly ReportCamera[];
  readonly outages: readonly ReportOutage[];
  readonly maintenance: readonly MaintenanceWindow[];
  /** Spans when a camgate daemon was running (boots: start to last-alive); the rest is unknown time. */
  readonly observed: readonly Span[];
  /**
   * Spans a camera was watched but had no verdict yet (`unknown`, cause not_yet_seen: from its
   * boot's start, or its first sighting, to its first transition): unknown time, not uptime.
   * Absent when the rows did not include the transitions.
   */
  readonly unseen?: readonly UnseenSpan[];
  /** Recorded inventory changes; absent when the database does not track them. */
  readonly inventory?: InventoryHistory;
  /** Periods the picture checks held cameras degraded; absent when the database predates them (006). */
  readonly picture?: readonly VerdictPeriod[];
  /** Periods LPR cameras read no plates; absent when the database predates their recording (009). */
  readonly lprNoReads?: readonly VerdictPeriod[];
}

export interface UnseenSpan extends Span {
  readonly cameraId: string;
}

/** A period a live verdict held: picture degraded (with its reasons) or lpr_no_reads. */
export interface VerdictPeriod {
  readonly cameraId: string;
  /** Picture reasons raised during the period (picture_dark, ...); empty for lpr_no_reads. */
  readonly reasons: readonly string[];
  readonly fromMs: number;
  /** null while it lasts (counted up to now). */
  readonly toMs: number | null;
}

export interface InventoryHistory {
  /** When the database began recording changes; null when unknown. */
  readonly sinceMs: number | null;
  readonly changes: readonly InventoryChangeEvent[];
}

export interface InventoryChangeEvent {
  readonly cameraId: string;
  readonly type: 'added' | 'replaced' | 'removed';
  readonly atMs: number;
}

export type PlannedCounts = Readonly<Record<CameraClass, number>>;

export interface ReportCamera {
  readonly id: string;
  readonly class: CameraClass;
  readonly firstSeenMs: number;
  readonly removedMs: number | null;
  /** Recording is expected for this camera (recording.enabled or the camera's `record` override). */
  readonly recording: boolean;
}

export interface ReportOutage {
  readonly cameraId: string;
  readonly kind: 'stream' | 'recording' | 'uplink';
  readonly cause: string;
  readonly startedMs: number;
  readonly endedMs: number | null;
  readonly durationMs: number | null;
  readonly endReason: 'restored' | 'gap_reboot' | 'removed' | null;
}

export interface MaintenanceWindow {
  /** Camera id or '*'. */
  readonly camera: string;
  readonly fromMs: number;
  readonly toMs: number;
}

/** absent: not installed yet / removed; unknown: no daemon was watching (reboot gaps). */
export type SpanState = 'up' | 'down' | 'unknown' | 'maintenance' | 'absent';

export interface TimelineSegment extends Span {
  readonly state: SpanState;
}

export interface TimeBreakdown {
  readonly upMs: number;
  readonly downMs: number;
  readonly unknownMs: number;
  readonly maintenanceMs: number;
  /** up / (up + down) * 100, or null when nothing was observed. */
  readonly pct: number | null;
}

export interface CameraReport {
  readonly id: string;
  readonly class: CameraClass;
  readonly uptime: TimeBreakdown;
  readonly integrated: TimeBreakdown;
  /** null when recording is not expected for this camera. */
  readonly recording: TimeBreakdown | null;
  readonly outageCount: number;
  readonly longestOutageMs: number | null;
  /** Mean time to repair: mean duration of stream outages restored within the window. */
  readonly mttrMs: number | null;
  readonly restored: boolean;
  /** Devices swapped under this camera id in the window; null when replacements are not tracked. */
  readonly replaced: number | null;
  readonly installedAtEnd: boolean;
  readonly timeline: readonly TimelineSegment[];
  /** Time the picture checks held the camera degraded; null when the database does not track it. */
  readonly picture: PictureTime | null;
  /**
   * Time an LPR camera read no plates (`lpr_no_reads`: degraded, still integrated); null for a
   * camera that is not LPR and never was, or when the database does not track it.
   */
  readonly lprNoReadsMs: number | null;
}

/**
 * Picture-degraded time, observed and outside maintenance like every other figure. It counts as
 * not integrated (cause `picture_degraded`, as the daemon says live); reasons may overlap, so
 * `byReasonMs` can sum to more than `degradedMs`.
 */
export interface PictureTime {
  readonly degradedMs: number;
  readonly byReasonMs: Readonly<Record<string, number>>;
}

export interface GroupReport {
  readonly planned: number | null;
  readonly installed: number;
  /** Planned but not installed at the end of the window (planned − installed, never negative); null: nothing planned. */
  readonly missing: number | null;
  readonly cameras: number;
  readonly uptimePct: number | null;
  readonly integratedPct: number | null;
  readonly recordingPct: number | null;
  readonly outageCount: number;
  readonly restoredCameras: number;
  /** Replacements in the window summed over the group's cameras; null when not tracked. */
  readonly replaced: number | null;
  /** Picture-degraded time summed over the group's cameras; null when not tracked. */
  readonly pictureDegradedMs: number | null;
  /** lpr_no_reads time summed over the group's cameras; null when not tracked. */
  readonly lprNoReadsMs: number | null;
}

export interface Report {
  readonly site: { readonly id: string; readonly name: string };
  readonly window: Span;
  readonly generatedMs: number;
  readonly cameras: readonly CameraReport[];
  readonly classes: Readonly<Record<CameraClass, GroupReport>>;
  readonly total: GroupReport;
  /** Replacements (a new device under an old id or at an old address) in the window. */
  readonly replaced: ReplacedSummary;
  /** The gateway's own uplink to the centre (outages of kind `uplink`, issue #12). */
  readonly uplink: UplinkReport;
}

/**
 * The site's uplink over the window: up/down/unknown time as for a camera (unknown: no daemon
 * watching; site-wide maintenance excluded), availability = up / (up + down).
 */
export interface UplinkReport {
  readonly availability: TimeBreakdown;
  readonly outageCount: number;
  /** Longest uplink outage, clipped to the window; null when there was none. */
  readonly longestOutageMs: number | null;
  /** Downtime per cause (broker_unreachable, refused, tls_failure, centre_offline), clipped to the window. */
  readonly downMsByCause: Readonly<Record<string, number>>;
}

export type ReplacedSummary =
  | { readonly tracked: false; readonly note: string }
  | {
      readonly tracked: true;
      /** When the database began recording them; a window starting earlier may miss some. */
      readonly sinceMs: number | null;
      readonly total: number;
      readonly note: string;
    };
