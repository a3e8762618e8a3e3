import type { CameraStatus, IntegrationCause, OutageEdge } from '../shared/types.js';

/** Rows and inputs of the history tables (transitions, outages, clock jumps, reboot gaps). */
export interface TransitionInput {
  readonly cameraId: string;
  readonly from: CameraStatus;
  readonly to: CameraStatus;
  readonly reasons: readonly string[];
  readonly cause: IntegrationCause | undefined;
  /** The transition's outage edge, as the health machine decided it (health/outage.ts). */
  readonly outage: OutageEdge | undefined;
  /**
   * The camera stays down (health/outage.ts `isDown`) with, maybe, a new cause: the open outage
   * takes it (issue #12: an outage that ended when the password was fixed is `unauthorized`, even
   * if it began as a stalled or closed session when the camera's password was changed).
   */
  readonly stillDown?: boolean;
  readonly evidence?: unknown;
  readonly bootId: string;
  /** Wall clock, for display and windows. */
  readonly wallMs: number;
  /** Monotonic clock of this boot, for durations. */
  readonly monoMs: number;
}

export interface OutageRow {
  readonly id: number;
  readonly cameraId: string;
  readonly kind: string;
  readonly cause: string;
  readonly startedAt: string;
  readonly startedMs: number;
  readonly endedAt: string | null;
  readonly endedMs: number | null;
  readonly durationMs: number | null;
  readonly endReason: string | null;
  readonly bootId: string;
  readonly startedMonoMs: number | null;
}

export interface TransitionRow {
  readonly id: number;
  readonly cameraId: string;
  readonly at: string;
  readonly from: CameraStatus;
  readonly to: CameraStatus;
  readonly reasons: readonly string[];
  readonly bootId: string;
}

export interface ClockJumpRow {
  readonly bootId: string;
  readonly at: string;
  readonly jumpMs: number;
}

export interface RebootGapResult {
  readonly previousBootId: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly clean: boolean;
  readonly closed: readonly OutageRow[];
}

/** "Now" for open outages: wall for windows, monotonic for the running boot's durations. */
export interface HistoryNow {
  readonly bootId: string;
  readonly wallMs: number;
  readonly monoMs: number;
}
