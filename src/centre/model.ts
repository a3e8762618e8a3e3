import type { CameraClass } from '../shared/types.js';

/** What the figures are computed from: one instant's picture of every gateway and camera. */

/**
 * `unknown` only in a past picture: the centre saw the gateway online but the gateway lost that
 * stretch of its history (`store.rebuilt`), so whether its cameras were integrated is not known.
 * A past `online` inside an `uplink.outage` the gateway reported is read as `lost`.
 */
export type GatewayState = 'online' | 'offline' | 'lost' | 'unknown';

export interface GatewayView {
  readonly gatewayId: string;
  readonly siteId: string;
  readonly state: GatewayState;
  /** When the centre learnt this state (ISO). */
  readonly since: string;
  readonly lastSeen: string;
  /** Why a past picture reads this gateway differently from the centre's own log (store/periods.ts). */
  readonly note?: string;
  /** Past picture inside a stretch this gateway's rebuilt database lost: its cameras' state is unknown. */
  readonly camerasUnknown?: boolean;
}

export interface CameraView {
  readonly gatewayId: string;
  readonly siteId: string;
  readonly cameraId: string;
  readonly class: CameraClass;
  readonly status: string;
  readonly integrated: boolean;
  /** The gateway's cause string as published; unknown (newer) causes are kept as themselves. */
  readonly cause: string | null;
  readonly recordingStatus: string;
  readonly since: string;
}

export interface Picture {
  /** The instant this picture describes (ISO). */
  readonly at: string;
  readonly gateways: readonly GatewayView[];
  readonly cameras: readonly CameraView[];
}

export const SITE_CAUSES = [
  'never_connected',
  'contract_expired',
  'gateway_lost',
  'no_cameras',
  'cameras_down',
  'cameras_not_yet_seen',
  'recording_stale',
  'unauthorized',
  'history_unknown',
] as const;
export type SiteCause = (typeof SITE_CAUSES)[number];

export type ClassCounts = Record<CameraClass | 'total', number>;

export interface CameraCounts {
  readonly planned: ClassCounts;
  readonly installed: ClassCounts;
  /** Camera reports itself online or degraded (its own view, regardless of the uplink). */
  readonly working: ClassCounts;
  /** Integrated: healthy, recording where enabled, and its gateway online at the centre. */
  readonly integrated: ClassCounts;
}

export interface SiteFigure {
  readonly siteId: string;
  readonly name: string;
  readonly region: string;
  readonly district: string;
  readonly kind: string;
  readonly contractor: string;
  readonly commsProvider: string;
  readonly contractEnd: string | null;
  readonly gateways: readonly GatewayView[];
  readonly integrated: boolean;
  readonly fullyIntegrated: boolean;
  readonly cameras: CameraCounts;
  /** Set for every site that is not integrated. */
  readonly cause: SiteCause | null;
  readonly evidence: string | null;
  /** Non-integrated cameras by their published cause. */
  readonly cameraCauses: Readonly<Record<string, number>>;
}

export interface GroupFigure {
  readonly key: string;
  readonly sites: number;
  readonly sitesIntegrated: number;
  readonly sitesFullyIntegrated: number;
  /** Sites whose state at this (past) instant is not known: their gateway lost that history. */
  readonly sitesUnknown: number;
  /** sitesIntegrated / (sites − sitesUnknown), percent with one decimal (null for no known site). */
  readonly pct: number | null;
  readonly cameras: CameraCounts;
  /** Causes of the sites not integrated, most frequent first. */
  readonly causes: ReadonlyArray<{ readonly cause: SiteCause; readonly sites: number }>;
}

export interface UnregisteredSite {
  readonly siteId: string;
  readonly gateways: readonly GatewayView[];
  readonly cameras: number;
}

export interface ContractWarning {
  readonly siteId: string;
  readonly name: string;
  readonly region: string;
  readonly commsProvider: string;
  readonly contractEnd: string;
  /** Negative when already expired. */
  readonly daysLeft: number;
}

export interface Figure {
  readonly at: string;
  readonly national: GroupFigure;
  readonly regions: readonly GroupFigure[];
  readonly districts: readonly GroupFigure[];
  readonly kinds: readonly GroupFigure[];
  readonly sites: readonly SiteFigure[];
  readonly unregistered: readonly UnregisteredSite[];
  readonly contracts: readonly ContractWarning[];
}

/** One UTC day's figure as the history keeps it (history.ts): the groups, and per site its verdict only. */
export interface DayFigure {
  readonly day: string;
  readonly at: string;
  readonly national: GroupFigure;
  readonly regions: readonly GroupFigure[];
  readonly districts: readonly GroupFigure[];
  readonly kinds: readonly GroupFigure[];
  readonly sites: ReadonlyArray<{
    readonly siteId: string;
    readonly integrated: boolean;
    readonly fullyIntegrated: boolean;
    readonly cause: SiteCause | null;
  }>;
}
