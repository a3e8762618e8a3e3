/** Plain readonly data shared across modules. Only types live here. */
import type { IntegrationCause } from './causes.js';

export const CAMERA_CLASSES = ['overview', 'panoramic', 'lpr'] as const;
export type CameraClass = (typeof CAMERA_CLASSES)[number];

export const CAMERA_STATUSES = ['online', 'degraded', 'offline', 'unauthorized', 'unknown'] as const;
export type CameraStatus = (typeof CAMERA_STATUSES)[number];

export type RecordingStatus = 'ok' | 'stale' | 'off' | 'unknown';

/** What a picture check can find wrong (issue #17); these tokens go into a camera's `reasons`. */
export const PICTURE_REASONS = [
  'picture_dark',
  'picture_covered',
  'picture_blurred',
  'view_changed',
  'picture_frozen',
] as const;
export type PictureReason = (typeof PICTURE_REASONS)[number];

/** `learning`: no reference yet for the current (day or night) mode; `unknown`: not yet sampled. */
export const PICTURE_STATUSES = ['unknown', 'learning', 'ok', 'degraded'] as const;
export type PictureStatus = (typeof PICTURE_STATUSES)[number];

/** The picture verdict of one camera as the board and the centre see it. */
export interface PictureView {
  readonly status: PictureStatus;
  readonly reasons: readonly PictureReason[];
  /** ISO time of the last sample judged. */
  readonly checkedAt?: string;
  /** ISO time the raised reasons last changed. */
  readonly since?: string;
}

/**
 * The plate read rate of an LPR camera (issue #17): `ok` reading as it normally does, `no_reads`
 * none for `lpr.noReadPeriods` of its reading hours, `learning` not enough history yet, `no_topic`
 * its event service offers no licence-plate topic, `error` its event service fails, `unknown` not
 * asked yet.
 */
export const LPR_STATUSES = ['ok', 'no_reads', 'learning', 'no_topic', 'error', 'unknown'] as const;
export type LprStatus = (typeof LPR_STATUSES)[number];

/** What the board and the centre hold of an LPR camera's reads (MQTT `lpr`). */
export interface LprView {
  readonly status: LprStatus;
  /** Reads in the last complete period (an hour unless `lpr.periodSeconds` says otherwise). */
  readonly readsLastHour: number;
  /** The plate topic subscribed to (or last read from), null when none. */
  readonly topic: string | null;
  readonly lastReadAt?: string;
  readonly detail?: string;
}

/** Reason token (health reasons, MQTT `reasons`, `camgate why`) while an LPR camera reads no plates. */
export const LPR_NO_READS = 'lpr_no_reads';

/** Where a transition puts an outage: it starts one, ends one, or neither (health/outage.ts decides). */
export type OutageEdge = 'start' | 'end';

/** Storage alarms of the recording disk (recording/storageGuard.ts). */
export const STORAGE_ALARM_CODES = [
  'disk_low',
  'disk_full',
  'retention_short',
  'db_shares_filesystem',
  'storage_unreadable',
] as const;
export type StorageAlarmCode = (typeof STORAGE_ALARM_CODES)[number];

/** The first broken link in camera → stream → recording → uplink (ARCHITECTURE.md; the table is shared/causes.ts). */
export type { IntegrationCause } from './causes.js';

export interface StreamProfile {
  readonly token: string;
  readonly name: string;
  /** RTSP URL without credentials, host rewritten to the address that answered. */
  readonly rtspUrl: string;
  readonly encoding?: string;
  readonly width?: number;
  readonly height?: number;
  readonly fps?: number;
  /** 'main' for the highest resolution profile, 'sub' for the lowest, else 'other'. */
  readonly role?: 'main' | 'sub' | 'other';
}

export interface CameraRecord {
  readonly id: string;
  readonly address: string;
  readonly source: 'onvif' | 'static';
  readonly endpointRef?: string;
  readonly xaddr?: string;
  readonly manufacturer?: string;
  readonly model?: string;
  readonly firmware?: string;
  readonly serial?: string;
  readonly mac?: string;
  readonly hardwareId?: string;
  readonly class: CameraClass;
  readonly ptz: boolean;
  readonly classConfidence: number;
  readonly classEvidence: readonly string[];
  readonly profiles: readonly StreamProfile[];
  readonly snapshotUri?: string;
  /** Camera clock minus ours, ms, from GetSystemDateAndTime. */
  readonly clockOffsetMs?: number;
  /** Why interrogation failed, when it did (camera is still listed). */
  readonly problem?: { readonly code: string; readonly message: string };
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
}

/** The centre's retained state from `mqtt.centreStateTopic`, when the handshake is configured. */
export type CentreState = 'online' | 'offline' | 'unknown';

/**
 * One camera as `camgate status` and the centre see it: the daemon's status board row (app/),
 * projected by the uplink into `cameras/{id}/state`.
 */
export interface CameraStatusRow {
  readonly cameraId: string;
  readonly address: string;
  readonly manufacturer?: string;
  readonly model?: string;
  readonly serial?: string;
  readonly class: CameraClass;
  readonly source: 'onvif' | 'static';
  readonly status: CameraStatus;
  readonly since: string;
  readonly reasons: readonly string[];
  readonly stream: StreamStats;
  readonly recording: { readonly status: RecordingStatus; readonly lastSegmentAt?: string };
  readonly integrated: boolean;
  readonly cause?: IntegrationCause;
  /** Picture checks (issue #17); absent until the camera's picture was first judged. */
  readonly picture?: PictureView;
  /** LPR cameras: the plate read rate (absent for other classes). */
  readonly lpr?: LprView;
}

export interface StreamStats {
  readonly codec?: string;
  readonly width?: number;
  readonly height?: number;
  readonly fps?: number;
  readonly bitrateKbps?: number;
  readonly lossPct?: number;
  readonly jitterMs?: number;
  readonly keyframeIntervalS?: number;
  /** RTP transport the monitor's session plays over. */
  readonly transport?: 'tcp' | 'udp';
  /**
   * Set while the stream's RTP timestamps are unusable (issue #12): `constant`, `jumps` (back or
   * far forward, repeatedly) or `rate` (not advancing with real time). fps and the keyframe
   * interval then come from arrival times, and there is no jitter figure.
   */
  readonly timestampFault?: 'constant' | 'jumps' | 'rate';
}

/** Reason token (health reasons, MQTT `reasons`, `camgate why` and `probe`) for `timestampFault`. */
export const RTP_TIMESTAMPS_INVALID = 'rtp_timestamps_invalid';
