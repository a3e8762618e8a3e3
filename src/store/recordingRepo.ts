import type { Db } from './store.js';

export interface RecordingOutageRow {
  readonly id: number;
  readonly cameraId: string;
  readonly cause: string;
  readonly startedAt: string;
  readonly startedMs: number | null;
  readonly endedAt: string | null;
  readonly durationMs: number | null;
  readonly endReason: string | null;
}

const COLS = `o.id, o.camera_id AS cameraId, o.cause, o.started_at AS startedAt, o.started_ms AS startedMs,
  o.ended_at AS endedAt, o.duration_ms AS durationMs, o.end_reason AS endReason`;

/**
 * Recording gaps in the shared `outages` table (kind = 'recording'), so `camgate outages` and the
 * SLA report see them next to stream outages. One open gap per camera at most. A gap starts at
 * the last sign of recording (last segment or progress), which may precede its detection, so its
 * duration is a wall-clock difference; started_mono_ms stays NULL.
 */
export class RecordingRepo {
  constructor(
    private readonly db: Db,
    private readonly bootId: string,
  ) {}

  /** Opens a gap unless one is already open; returns its id. */
  openGap(cameraId: string, cause: string, startedAt: number): number {
    // File mtimes carry fractions of a millisecond; the column is a STRICT INTEGER.
    const startedAtMs = Math.round(startedAt);
    const open = this.openGapFor(cameraId);
    if (open) return open.id;
    const info = this.db
      .prepare(
        `INSERT INTO outages (camera_id, kind, cause, started_at, started_ms, boot_id)
         VALUES (?, 'recording', ?, ?, ?, ?)`,
      )
      .run(cameraId, cause, new Date(startedAtMs).toISOString(), startedAtMs, this.bootId);
    return Number(info.lastInsertRowid);
  }

  /** Closes the open gap of a camera, if any. */
  closeGap(cameraId: string, endedAtMs: number, reason: 'restored' | 'gap_reboot' | 'removed'): boolean {
    const open = this.openGapFor(cameraId);
    if (!open) return false;
    this.end(open, endedAtMs, reason);
    return true;
  }

  openGapFor(cameraId: string): RecordingOutageRow | undefined {
    return this.db
      .prepare(
        `SELECT ${COLS} FROM outages o
          WHERE kind = 'recording' AND camera_id = ? AND ended_at IS NULL ORDER BY id DESC LIMIT 1`,
      )
      .get(cameraId) as RecordingOutageRow | undefined;
  }

  /** The camera's most recent gaps, oldest first. */
  gaps(cameraId: string, limit = 1000): RecordingOutageRow[] {
    const rows = this.db
      .prepare(
        `SELECT ${COLS} FROM outages o WHERE kind = 'recording' AND camera_id = ? ORDER BY id DESC LIMIT ?`,
      )
      .all(cameraId, limit) as RecordingOutageRow[];
    return rows.reverse();
  }

  /**
   * Gaps a previous boot left open: the daemon went down while recording was stale, and nobody
   * saw what followed, so they end at that boot's last sign of life (or now, if unknown).
   */
  closeLeftovers(nowMs: number): number {
    const rows = this.db
      .prepare(
        `SELECT ${COLS}, b.last_alive_ms AS lastAliveMs FROM outages o LEFT JOIN boots b USING (boot_id)
          WHERE o.kind = 'recording' AND o.ended_at IS NULL AND o.boot_id != ?`,
      )
      .all(this.bootId) as (RecordingOutageRow & { lastAliveMs: number | null })[];
    for (const row of rows) this.end(row, row.lastAliveMs ?? nowMs, 'gap_reboot');
    return rows.length;
  }

  private end(row: RecordingOutageRow, endedAtMs: number, reason: string): void {
    const started = row.startedMs ?? Date.parse(row.startedAt);
    const ended = Math.max(started, Math.round(endedAtMs));
    this.db
      .prepare('UPDATE outages SET ended_at = ?, ended_ms = ?, duration_ms = ?, end_reason = ? WHERE id = ?')
      .run(new Date(ended).toISOString(), ended, ended - started, reason, row.id);
  }
}
