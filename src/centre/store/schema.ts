/**
 * The centre's tables, as Kysely sees them. One schema for SQLite and PostgreSQL: times are
 * ISO-8601 UTC text (sorts as time in both), booleans are 0/1 integers, JSON is text.
 */

export interface GatewaysTable {
  gateway_id: string;
  site_id: string;
  state: string;
  bd_seq: number;
  boot_id: string;
  version: string;
  /** When the centre learnt the current state. */
  since: string;
  last_seen: string;
  first_seen: string;
}

/** A camera's state as the centre keeps it: its current row and every row of its log. */
export interface CameraStateColumns {
  gateway_id: string;
  camera_id: string;
  site_id: string;
  class: string;
  status: string;
  integrated: number;
  cause: string | null;
  recording_status: string;
}

/** The state columns of a camera row or log row, without the rest (for a new log row). */
export function cameraStateColumns(r: CameraStateColumns): CameraStateColumns {
  return {
    gateway_id: r.gateway_id,
    camera_id: r.camera_id,
    site_id: r.site_id,
    class: r.class,
    status: r.status,
    integrated: r.integrated,
    cause: r.cause,
    recording_status: r.recording_status,
  };
}

export interface CamerasTable extends CameraStateColumns {
  since: string;
  ts: string;
  payload: string;
}

export interface SummariesTable {
  gateway_id: string;
  site_id: string;
  ts: string;
  payload: string;
}

export interface EventsTable {
  gateway_id: string;
  seq: number;
  event_id: string;
  site_id: string;
  type: string;
  camera_id: string | null;
  ts: string;
  historical: number;
  payload: string;
  received_at: string;
}

/** Gateway state changes in time: the past figure reads the state at an instant from here. */
export interface GatewayLogTable {
  gateway_id: string;
  site_id: string;
  state: string;
  at: string;
}

/** Camera state changes in time, from retained state and from (possibly historical) events. */
export interface CameraLogTable extends CameraStateColumns {
  /** 1 when the camera was removed at `at`. */
  removed: number;
  at: string;
  /** Where the row came from: 'state' or the event type. */
  source: string;
}

/** One figure per UTC day, taken at the day's end (today: at the last snapshot). */
export interface DayFiguresTable {
  day: string;
  at: string;
  computed_at: string;
  payload: string;
}

/** Stretches of a gateway's past told after the fact (store/periods.ts), one per event. */
export interface PeriodsTable {
  gateway_id: string;
  /** The seq of the event that told it. */
  seq: number;
  site_id: string;
  camera_id: string | null;
  kind: 'uplink_down' | 'unknown' | 'camera_summary';
  from_at: string;
  to_at: string;
  /** camera_summary: total down time inside from..to. */
  down_ms: number | null;
  /** uplink_down: the cause; unknown: the reason; camera_summary: the outage count. */
  detail: string | null;
}

/** The centre's own bookkeeping (`pruned_before`: the raw-history horizon, store/prune.ts). */
export interface MetaTable {
  key: string;
  value: string;
}

export interface CentreDb {
  gateways: GatewaysTable;
  cameras: CamerasTable;
  summaries: SummariesTable;
  events: EventsTable;
  gateway_log: GatewayLogTable;
  camera_log: CameraLogTable;
  day_figures: DayFiguresTable;
  periods: PeriodsTable;
  meta: MetaTable;
}
