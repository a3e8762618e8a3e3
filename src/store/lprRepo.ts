import type { Db } from './store.js';

/** One observed period of one camera, as `lpr/readRate.ts` reads it. */
export interface LprPeriodRow {
  readonly start: number;
  readonly reads: number;
}

/** Plate reads per period and camera (`lpr_reads`, migration 007). */
export class LprRepo {
  constructor(private readonly db: Db) {}

  /** Marks the period observed and adds `reads` to it (0: observed, nothing read). */
  add(cameraId: string, periodMs: number, start: number, reads: number): void {
    this.db
      .prepare(
        `INSERT INTO lpr_reads (camera_id, period_ms, period_start, reads) VALUES (?, ?, ?, ?)
         ON CONFLICT (camera_id, period_ms, period_start) DO UPDATE SET reads = reads + excluded.reads`,
      )
      .run(cameraId, periodMs, Math.round(start), reads);
  }

  periods(cameraId: string, periodMs: number, sinceMs: number): LprPeriodRow[] {
    return this.db
      .prepare(
        `SELECT period_start AS start, reads FROM lpr_reads
         WHERE camera_id = ? AND period_ms = ? AND period_start >= ? ORDER BY period_start`,
      )
      .all(cameraId, periodMs, Math.round(sinceMs)) as LprPeriodRow[];
  }

  /** Drops periods that started before `beforeMs`; returns how many. */
  prune(beforeMs: number): number {
    return this.db.prepare('DELETE FROM lpr_reads WHERE period_start < ?').run(Math.round(beforeMs)).changes;
  }
}
