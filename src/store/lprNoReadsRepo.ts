import type { Db } from './store.js';

/**
 * The periods LPR cameras were `lpr_no_reads` (`lpr_no_reads`, migration 009), for the report.
 * A period belongs to the boot that opened it: one a crash left open is ended by the report where
 * that boot stopped watching, and the next boot opens its own when the verdict holds again.
 */
export class LprNoReadsRepo {
  constructor(
    private readonly db: Db,
    private readonly bootId: string,
  ) {}

  /** Opens a period unless this boot has one open. */
  noReads(cameraId: string, atIso: string): void {
    const open = this.db
      .prepare('SELECT 1 FROM lpr_no_reads WHERE camera_id = ? AND boot_id = ? AND ended_at IS NULL')
      .get(cameraId, this.bootId);
    if (open) return;
    this.db
      .prepare('INSERT INTO lpr_no_reads (camera_id, started_at, boot_id) VALUES (?, ?, ?)')
      .run(cameraId, atIso, this.bootId);
  }

  /** Ends the camera's open periods (a read came, or the camera is no longer watched). */
  reading(cameraId: string, atIso: string): void {
    this.db
      .prepare('UPDATE lpr_no_reads SET ended_at = ? WHERE camera_id = ? AND ended_at IS NULL')
      .run(atIso, cameraId);
  }
}
