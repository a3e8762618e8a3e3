import path from 'node:path';
import Database from 'better-sqlite3';
import type { PictureMode, PictureReference } from '../picture/assess.js';
import { CamgateError } from '../shared/errors.js';
import { DB_FILE, type Db } from './store.js';

export interface PictureDegradedRow {
  readonly cameraId: string;
  readonly reasons: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
}

/** Where a reference came from: taken at handover (`camgate acceptance`) or learnt from good samples. */
export type ReferenceSource = 'acceptance' | 'learnt';

export interface ReferencePictureRow {
  readonly mode: PictureMode;
  readonly source: ReferenceSource;
  readonly takenAt: string;
  /** Raw yuv420p thumbnail; null for a reference learnt before migration 008. */
  readonly thumbnail: Buffer | null;
}

/** Picture references (with their thumbnails, migration 008) and degraded periods (migration 006). */
export class PictureRepo {
  constructor(
    private readonly db: Db,
    private readonly bootId: string,
  ) {}

  references(cameraId: string): Partial<Record<PictureMode, PictureReference>> {
    const rows = this.db
      .prepare('SELECT mode, reference FROM picture_references WHERE camera_id = ?')
      .all(cameraId) as { mode: string; reference: string }[];
    const out: Partial<Record<PictureMode, PictureReference>> = {};
    for (const row of rows) {
      const ref = parseReference(row.reference);
      if (ref && (row.mode === 'day' || row.mode === 'night')) out[row.mode] = ref;
    }
    return out;
  }

  saveReference(cameraId: string, ref: PictureReference): void {
    this.db
      .prepare(
        `INSERT INTO picture_references (camera_id, mode, reference, learnt_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (camera_id, mode) DO UPDATE SET reference = excluded.reference, learnt_at = excluded.learnt_at`,
      )
      .run(cameraId, ref.mode, JSON.stringify(ref), ref.learntAt);
  }

  /**
   * The thumbnail a reference stands for and where it came from (migration 008); set right after
   * `saveReference`, on the row it wrote. A row without one (learnt before 008) keeps NULL.
   */
  setPicture(cameraId: string, mode: PictureMode, source: ReferenceSource, thumbnail: Uint8Array): void {
    this.db
      .prepare('UPDATE picture_references SET source = ?, thumbnail = ? WHERE camera_id = ? AND mode = ?')
      .run(source, Buffer.from(thumbnail), cameraId, mode);
  }

  /** Each reference's source, time and thumbnail (raw yuv420p), day first. */
  pictures(cameraId: string): ReferencePictureRow[] {
    const rows = this.db
      .prepare(
        `SELECT mode, source, learnt_at AS takenAt, thumbnail FROM picture_references
         WHERE camera_id = ? ORDER BY mode`,
      )
      .all(cameraId) as { mode: string; source: string; takenAt: string; thumbnail: Buffer | null }[];
    return rows.flatMap((r) =>
      (r.mode === 'day' || r.mode === 'night') && (r.source === 'learnt' || r.source === 'acceptance')
        ? [{ mode: r.mode, source: r.source, takenAt: r.takenAt, thumbnail: r.thumbnail }]
        : [],
    );
  }

  /** `camgate picture reset`: the camera learns again from its next good samples. */
  clearReferences(cameraId: string): number {
    return this.db.prepare('DELETE FROM picture_references WHERE camera_id = ?').run(cameraId).changes;
  }

  /**
   * Opens a degraded period unless this boot has one open with these reasons; other reasons end
   * the open one and start the next, so the report can count time per reason. A period of an
   * earlier boot (a crash left it open) is not continued: the report ends it with its boot.
   */
  degraded(cameraId: string, reasons: readonly string[], atIso: string): void {
    const text = reasons.join(' ');
    const open = this.open(cameraId);
    if (open?.reasons === text) return;
    this.db.transaction(() => {
      if (open) this.db.prepare('UPDATE picture_degraded SET ended_at = ? WHERE id = ?').run(atIso, open.id);
      this.db
        .prepare('INSERT INTO picture_degraded (camera_id, reasons, started_at, boot_id) VALUES (?, ?, ?, ?)')
        .run(cameraId, text, atIso, this.bootId);
    })();
  }

  /**
   * The degraded period still open for this camera, newest first, for a restarted daemon to carry
   * on from (pictureService.ts track): the reasons the centre last heard, and since when. A period
   * of an earlier boot (a crash or a stop left it open) stays as it is — the report ends it with
   * its boot — and this boot opens its own with the same reasons from `atIso`, as `degraded` would.
   */
  resume(cameraId: string, atIso: string): { reasons: string[]; since: string } | undefined {
    const row = this.db
      .prepare(
        `SELECT reasons, started_at AS startedAt FROM picture_degraded
         WHERE camera_id = ? AND ended_at IS NULL ORDER BY id DESC LIMIT 1`,
      )
      .get(cameraId) as { reasons: string; startedAt: string } | undefined;
    if (!row) return undefined;
    const reasons = row.reasons.split(' ').filter((r) => r.length > 0);
    if (reasons.length > 0) this.degraded(cameraId, reasons, atIso);
    return { reasons, since: row.startedAt };
  }

  /** Closes the open period, if any. */
  ok(cameraId: string, atIso: string): void {
    this.db
      .prepare('UPDATE picture_degraded SET ended_at = ? WHERE camera_id = ? AND ended_at IS NULL')
      .run(atIso, cameraId);
  }

  /** Periods overlapping [fromIso, toIso), oldest first (open ones with endedAt null). */
  periods(fromIso: string, toIso: string): PictureDegradedRow[] {
    return this.db
      .prepare(
        `SELECT camera_id AS cameraId, reasons, started_at AS startedAt, ended_at AS endedAt
         FROM picture_degraded WHERE started_at < ? AND (ended_at IS NULL OR ended_at > ?)
         ORDER BY started_at`,
      )
      .all(toIso, fromIso) as PictureDegradedRow[];
  }

  private open(cameraId: string): { id: number; reasons: string } | undefined {
    return this.db
      .prepare(
        'SELECT id, reasons FROM picture_degraded WHERE camera_id = ? AND boot_id = ? AND ended_at IS NULL',
      )
      .get(cameraId, this.bootId) as { id: number; reasons: string } | undefined;
  }
}

/** A stored reference that no longer parses (hand-edited database) is relearnt, not fatal. */
function parseReference(json: string): PictureReference | undefined {
  try {
    const v = JSON.parse(json) as Partial<PictureReference>;
    if (
      (v.mode === 'day' || v.mode === 'night') &&
      typeof v.meanLuma === 'number' &&
      typeof v.contrast === 'number' &&
      typeof v.sharpness === 'number' &&
      Array.isArray(v.grid) &&
      v.grid.every((x) => typeof x === 'number')
    )
      return v as PictureReference;
    return undefined;
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}

/**
 * `camgate picture reset` while no daemon runs: the references are deleted in the database
 * directly (the daemon reads them at start). A database older than migration 006 has none.
 */
export function clearPictureReferencesOffline(dir: string, cameraId: string): number {
  const file = path.join(dir, DB_FILE);
  let db: Db;
  try {
    db = new Database(file, { fileMustExist: true });
  } catch (err) {
    throw new CamgateError('STORE_OPEN', `cannot open ${file} (has the daemon run here?)`, { cause: err });
  }
  try {
    db.pragma('busy_timeout = 5000');
    if ((db.pragma('user_version', { simple: true }) as number) < 6) return 0;
    return new PictureRepo(db, 'cli').clearReferences(cameraId);
  } finally {
    db.close();
  }
}
