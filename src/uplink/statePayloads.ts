import type { CameraStatusRow } from '../shared/types.js';
import { type CAMERA_CLASSES, CAMERA_STATUSES } from '../shared/types.js';
import type { CameraStatePayload, MetricsPayload, SummaryPayload } from './payloads.js';

export type PlannedCounts = Readonly<Partial<Record<(typeof CAMERA_CLASSES)[number], number>>>;

/** Retained `cameras/{id}/state`: every field of the topic table, absent values as null. */
export function cameraStatePayload(row: CameraStatusRow, nowIso: string): CameraStatePayload {
  const s = row.stream;
  return {
    cameraId: row.cameraId,
    address: row.address,
    manufacturer: row.manufacturer ?? null,
    model: row.model ?? null,
    serial: row.serial ?? null,
    class: row.class,
    status: row.status,
    since: row.since,
    reasons: [...row.reasons],
    stream: {
      codec: s.codec ?? null,
      width: s.width ?? null,
      height: s.height ?? null,
      fps: s.fps ?? null,
      bitrateKbps: s.bitrateKbps ?? null,
      lossPct: s.lossPct ?? null,
      keyframeIntervalS: s.keyframeIntervalS ?? null,
    },
    recording: { status: row.recording.status, lastSegmentAt: row.recording.lastSegmentAt ?? null },
    integrated: row.integrated,
    cause: row.cause ?? null,
    picture: {
      status: row.picture?.status ?? 'unknown',
      reasons: [...(row.picture?.reasons ?? [])],
      checkedAt: row.picture?.checkedAt ?? null,
    },
    ...(row.lpr
      ? {
          lpr: {
            status: row.lpr.status,
            readsLastHour: row.lpr.readsLastHour,
            topic: row.lpr.topic,
            lastReadAt: row.lpr.lastReadAt ?? null,
          },
        }
      : {}),
    ts: nowIso,
  };
}

/**
 * Retained `summary`: installed vs integrated per class, with the planned figure when configured
 * and the planned cameras never found (`missing`): they are not integrated either (#12).
 */
export function summaryPayload(
  rows: readonly CameraStatusRow[],
  planned: PlannedCounts | undefined,
  nowIso: string,
  inventoryCap?: SummaryPayload['inventoryCap'],
): SummaryPayload {
  const count = (cls: (typeof CAMERA_CLASSES)[number]) => {
    const of = rows.filter((r) => r.class === cls);
    const base = { total: of.length, integrated: of.filter((r) => r.integrated).length };
    const p = planned?.[cls];
    return p === undefined ? base : { ...base, planned: p, missing: Math.max(0, p - base.total) };
  };
  const byClass = { overview: count('overview'), panoramic: count('panoramic'), lpr: count('lpr') };
  const missing = Object.values(byClass).map((c) => ('missing' in c ? c.missing : undefined));
  const byStatus = Object.fromEntries(
    CAMERA_STATUSES.map((st) => [st, rows.filter((r) => r.status === st).length]),
  ) as SummaryPayload['byStatus'];
  return {
    camerasTotal: rows.length,
    camerasIntegrated: rows.filter((r) => r.integrated).length,
    ...(missing.some((m) => m !== undefined)
      ? { camerasMissing: missing.reduce<number>((sum, m) => sum + (m ?? 0), 0) }
      : {}),
    byClass,
    ...(inventoryCap ? { inventoryCap: { ...inventoryCap } } : {}),
    byStatus,
    ts: nowIso,
  };
}

export function metricsPayload(
  rows: readonly CameraStatusRow[],
  gateway: MetricsPayload['gateway'],
  nowIso: string,
): MetricsPayload {
  return {
    gateway,
    cameras: rows.map((r) => ({
      cameraId: r.cameraId,
      status: r.status,
      fps: r.stream.fps ?? null,
      bitrateKbps: r.stream.bitrateKbps ?? null,
      lossPct: r.stream.lossPct ?? null,
    })),
    ts: nowIso,
  };
}
