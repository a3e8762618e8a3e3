import type { Db } from './store.js';

export interface RecordingOutageRow {
  readonly id: number;
  readonly cameraId: string;
  readonly cause: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly durationMs: number | null;
}

/**
 * Recording gaps in the shared `outages` table (kind = 'recording'), so `camgate outages` and the
 * SLA report see them next to stream outages. One open gap per camera at most.
 */
export class RecordingRepo {
  constructor(
    private readonly db: Db,
    private readonly bootId: string,
  ) {}

  /** Opens a gap unless one is already open; returns its id. */
  openGap(cameraId: string, cause: string, startedAtMs: number): number {
    const open = this.openGapFor(cameraId);
    if (open) return open.id;
    const info = this.db
      .prepare(
        `INSERT INTO outages (camera_id, kind, cause, started_at, boot_id)
         VALUES (?, 'recording', ?, ?, ?)`,
      )
      .run(cameraId, cause, new Date(startedAtMs).toISOString(), this.bootId);
    return Number(info.lastInsertRowid);
  }

  /** Closes the open gap of a camera, if any; `reason` is 'restored', 'gap_reboot' or 'removed'. */
  closeGap(cameraId: string, endedAtMs: number, reason: 'restored' | 'gap_reboot' | 'removed'): boolean {
    const open = this.openGapFor(cameraId);
    if (!open) return false;
    const duration = Math.max(0, endedAtMs - Date.parse(open.startedAt));
    this.db
      .prepare('UPDATE outages SET ended_at = ?, duration_ms = ?, end_reason = ? WHERE id = ?')
      .run(new Date(endedAtMs).toISOString(), duration, reason, open.id);
    return true;
  }

  openGapFor(cameraId: string): RecordingOutageRow | undefined {
    return this.db
      .prepare(
        `SELECT id, camera_id AS cameraId, cause, started_at AS startedAt, ended_at AS endedAt,
                duration_ms AS durationMs
           FROM outages WHERE kind = 'recording' AND camera_id = ? AND ended_at IS NULL
          ORDER BY id DESC LIMIT 1`,
      )
      .get(cameraId) as RecordingOutageRow | undefined;
  }

  gaps(cameraId?: string): RecordingOutageRow[] {
    const where = cameraId === undefined ? '' : 'AND camera_id = ?';
    const args = cameraId === undefined ? [] : [cameraId];
    return this.db
      .prepare(
        `SELECT id, camera_id AS cameraId, cause, started_at AS startedAt, ended_at AS endedAt,
                duration_ms AS durationMs
           FROM outages WHERE kind = 'recording' ${where} ORDER BY id`,
      )
      .all(...args) as RecordingOutageRow[];
  }

  /** Gaps left open by a previous boot: the daemon was down, so the gap's end is unknown. */
  closeLeftovers(endedAtMs: number): number {
    const info = this.db
      .prepare(
        `UPDATE outages SET ended_at = ?, end_reason = 'gap_reboot'
          WHERE kind = 'recording' AND ended_at IS NULL AND boot_id != ?`,
      )
      .run(new Date(endedAtMs).toISOString(), this.bootId);
    return info.changes;
  }
}
