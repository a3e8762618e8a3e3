import { configEntryFor } from '../config/cameraEntry.js';
import type { Config } from '../config/schema.js';
import { CAMERA_CLASSES, type CameraClass } from '../shared/types.js';
import type {
  BootSpanRow,
  ClockStepRow,
  FirstVerdictRow,
  InventoryHistoryRows,
  ReportCameraRow,
  ReportOutageRow,
  VerdictPeriodRow,
} from '../store/reportRepo.js';
import type {
  InventoryChangeEvent,
  InventoryHistory,
  ReportCamera,
  ReportInput,
  ReportOutage,
  VerdictPeriod,
} from './model.js';
import type { Span } from './spans.js';
import { bootSpans, unseenSpans } from './unseenSpans.js';

export interface ReportRows {
  readonly cameras: readonly ReportCameraRow[];
  /** Cameras declared in config with an rtsp URL: watched from the first boot even without an inventory row. */
  readonly staticCameras?: readonly { readonly id: string; readonly class: CameraClass }[];
  readonly outages: readonly ReportOutageRow[];
  readonly boots: readonly BootSpanRow[];
  /** Absent: the database does not track inventory changes. */
  readonly inventory?: InventoryHistoryRows;
  /** Picture-degraded periods; absent: the database predates them. */
  readonly picture?: readonly VerdictPeriodRow[] | undefined;
  /** lpr_no_reads periods; absent: the database predates them. */
  readonly lprNoReads?: readonly VerdictPeriodRow[] | undefined;
  /** Each camera's first transition per boot; absent: time without a verdict is not told apart. */
  readonly firstVerdicts?: readonly FirstVerdictRow[];
  /** Recorded wall-clock steps (clock_jumps), to place each boot's unseen time in its verdict's clock. */
  readonly clockSteps?: readonly ClockStepRow[];
}

type ReportConfig = Pick<Config, 'site' | 'cameras' | 'recording' | 'maintenance'>;

/** The ids of the cameras a report over these rows covers: what `buildReportInput` lists. */
export function reportCameraIds(rows: Pick<ReportRows, 'cameras' | 'staticCameras' | 'outages'>): string[] {
  const ids = [
    ...rows.cameras.map((c) => c.id),
    ...(rows.staticCameras ?? []).map((c) => c.id),
    ...rows.outages.filter((o) => o.kind !== 'uplink').map((o) => o.cameraId),
  ];
  return [...new Set(ids)];
}

/** Database rows and config to the plain report input; rows with values we do not know are kept, typed down. */
export function buildReportInput(
  config: ReportConfig,
  rows: ReportRows,
  window: Span,
  nowMs: number,
): ReportInput {
  const cameras = rows.cameras.map((r) => toCamera(config, r));
  // Static cameras of a daemon without the inventory module have outages but no `cameras` row;
  // they were watched from the first boot on.
  const known = new Set(cameras.map((c) => c.id));
  const firstBoot = rows.boots[0]?.startedMs ?? window.fromMs;
  const extra = [
    ...(rows.staticCameras ?? []),
    ...rows.outages.filter((o) => o.kind !== 'uplink').map((o) => ({ id: o.cameraId, class: undefined })),
  ];
  for (const cam of extra) {
    if (known.has(cam.id)) continue;
    known.add(cam.id);
    const cfg = configEntryFor({ id: cam.id }, config.cameras);
    cameras.push({
      id: cam.id,
      class: cam.class ?? cfg?.class ?? 'overview',
      firstSeenMs: firstBoot,
      removedMs: null,
      recording: cfg?.record ?? config.recording.enabled,
    });
  }
  return {
    window,
    nowMs,
    site: {
      id: config.site.id,
      name: config.site.name,
      ...(config.site.planned ? { planned: config.site.planned } : {}),
    },
    cameras: cameras.sort((a, b) => a.id.localeCompare(b.id)),
    outages: rows.outages.map(toOutage),
    maintenance: config.maintenance.map((m) => ({
      camera: m.camera,
      fromMs: Date.parse(m.from),
      toMs: Date.parse(m.to),
    })),
    observed: bootSpans(rows.boots, rows.clockSteps ?? []),
    ...(rows.inventory ? { inventory: toHistory(rows.inventory) } : {}),
    ...(rows.picture ? { picture: toPeriods(rows.picture, rows.boots) } : {}),
    ...(rows.lprNoReads ? { lprNoReads: toPeriods(rows.lprNoReads, rows.boots) } : {}),
    ...(rows.firstVerdicts
      ? {
          unseen: unseenSpans(
            cameras,
            rows.boots,
            rows.firstVerdicts,
            rows.clockSteps ?? [],
            window,
            rows.inventory ? toHistory(rows.inventory).changes : [],
          ),
        }
      : {}),
  };
}

/**
 * A period ends where its boot stopped watching at the latest: one a crash left open does not run
 * on through the next boots (the next boot opens its own when the verdict holds again).
 */
function toPeriods(rows: readonly VerdictPeriodRow[], boots: ReportRows['boots']): VerdictPeriod[] {
  const lastAlive = new Map(boots.flatMap((b) => (b.bootId ? [[b.bootId, b.lastAliveMs] as const] : [])));
  return rows.flatMap((r): VerdictPeriod[] => {
    const fromMs = Date.parse(r.startedAt);
    const ended = r.endedAt === null ? null : Date.parse(r.endedAt);
    const bootEnd = lastAlive.get(r.bootId);
    const toMs = bootEnd === undefined ? ended : Math.min(ended ?? bootEnd, bootEnd);
    if (Number.isNaN(fromMs) || (toMs !== null && Number.isNaN(toMs))) return [];
    const reasons = r.reasons.split(' ').filter((x) => x.length > 0);
    return [{ cameraId: r.cameraId, reasons, fromMs, toMs: toMs === null ? null : Math.max(fromMs, toMs) }];
  });
}

function toHistory(rows: InventoryHistoryRows): InventoryHistory {
  const since = rows.since === undefined ? Number.NaN : Date.parse(rows.since);
  const changes = rows.changes.flatMap((c): InventoryChangeEvent[] =>
    c.type === 'added' || c.type === 'replaced' || c.type === 'removed'
      ? [{ cameraId: c.cameraId, type: c.type, atMs: Date.parse(c.at) }]
      : [],
  );
  return { sinceMs: Number.isNaN(since) ? null : since, changes };
}

function toCamera(config: ReportConfig, row: ReportCameraRow): ReportCamera {
  const cfg = configEntryFor(
    { id: row.id, address: row.address, serial: row.serial ?? undefined, mac: row.mac ?? undefined },
    config.cameras,
  );
  return {
    id: row.id,
    class: asClass(row.class),
    firstSeenMs: Date.parse(row.firstSeenAt),
    removedMs: row.removedAt ? Date.parse(row.removedAt) : null,
    recording: cfg?.record ?? config.recording.enabled,
  };
}

function asClass(value: string): CameraClass {
  return (CAMERA_CLASSES as readonly string[]).includes(value) ? (value as CameraClass) : 'overview';
}

function toOutage(row: ReportOutageRow): ReportOutage {
  const kind = row.kind === 'recording' || row.kind === 'uplink' ? row.kind : 'stream';
  const endReason =
    row.endReason === 'restored' || row.endReason === 'gap_reboot' || row.endReason === 'removed'
      ? row.endReason
      : null;
  return {
    cameraId: row.cameraId,
    kind,
    cause: row.cause,
    startedMs: Date.parse(row.startedAt),
    endedMs: row.endedAt ? Date.parse(row.endedAt) : null,
    durationMs: row.durationMs,
    endReason,
  };
}
