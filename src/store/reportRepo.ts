import path from 'node:path';
import Database from 'better-sqlite3';
import { CamgateError } from '../shared/errors.js';
import { INVENTORY_CHANGES_SINCE_KEY } from './inventoryChangeRepo.js';
import { DB_FILE, type Db } from './store.js';

export interface ReportCameraRow {
  readonly id: string;
  readonly class: string;
  readonly firstSeenAt: string;
  readonly removedAt: string | null;
  /** What the camera's config entry is matched by (`configEntryFor`), besides its id. */
  readonly address?: string;
  readonly serial?: string | null;
  readonly mac?: string | null;
}

export interface InventoryRow extends ReportCameraRow {
  readonly address: string;
  readonly manufacturer: string | null;
  readonly model: string | null;
  readonly serial: string | null;
  readonly mac: string | null;
}

export interface ReportOutageRow {
  readonly cameraId: string;
  readonly kind: string;
  readonly cause: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly durationMs: number | null;
  readonly endReason: string | null;
}

export interface InventoryChangeRow {
  readonly cameraId: string;
  readonly type: string;
  readonly at: string;
}

/** Recorded inventory changes, and since when this database records them (undefined: unknown). */
export interface InventoryHistoryRows {
  readonly since: string | undefined;
  readonly changes: readonly InventoryChangeRow[];
}

export interface BootSpanRow {
  readonly startedMs: number;
  readonly lastAliveMs: number;
  readonly bootId?: string;
  /** Start order (the row's insertion order): wall-clock order is wrong for a boot "in 1970". */
  readonly seq?: number;
}

/** A camera's stream verdict out of `unknown` in one boot (the boot's first, or after re-tracking). */
export interface FirstVerdictRow {
  readonly cameraId: string;
  readonly bootId: string;
  /** ISO-8601 UTC, as the transition's `at`. */
  readonly at: string;
  /**
   * Not the boot's first: a later transition out of `unknown` in the same boot, after the camera
   * was removed and tracked anew. Rows of one camera and boot come in transition order.
   */
  readonly retracked?: boolean;
}

/** A wall-clock step the daemon saw (health/clockJump.ts): `atMs` in the clock after it. */
export interface ClockStepRow {
  readonly bootId: string;
  readonly atMs: number;
  /** Positive: the wall clock stepped forward. */
  readonly jumpMs: number;
}

/** A period a camera's picture was degraded (006) or an LPR camera read nothing (009). */
export interface VerdictPeriodRow {
  readonly cameraId: string;
  /** Space-separated reasons (picture); '' for lpr_no_reads. */
  readonly reasons: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly bootId: string;
}

/**
 * Opens the daemon's database read-only, so `camgate report` works whether the daemon runs or not
 * and can never migrate, lock or change it. SQLite's WAL mode lets us read beside a writer.
 */
export function openReadOnly(dir: string): Db {
  const file = path.join(dir, DB_FILE);
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    return db;
  } catch (err) {
    throw new CamgateError('STORE_OPEN', `cannot open the database ${file} read-only`, { cause: err });
  }
}

/** Read-only queries behind `camgate report` and `camgate acceptance`. */
export class ReportRepo {
  constructor(private readonly db: Db) {}

  cameras(): ReportCameraRow[] {
    return this.db
      .prepare(
        `SELECT id, class, first_seen_at AS firstSeenAt, removed_at AS removedAt, address, serial, mac
           FROM cameras ORDER BY id`,
      )
      .all() as ReportCameraRow[];
  }

  /** The inventory with identity columns, for the handover sheet. */
  inventory(): InventoryRow[] {
    return this.db
      .prepare(
        `SELECT id, class, first_seen_at AS firstSeenAt, removed_at AS removedAt, address, manufacturer, model,
                serial, mac
           FROM cameras ORDER BY id`,
      )
      .all() as InventoryRow[];
  }

  /** Outages overlapping [fromIso, toIso); ISO-8601 UTC strings of one format sort as time does. */
  outages(fromIso: string, toIso: string): ReportOutageRow[] {
    return this.db
      .prepare(
        `SELECT camera_id AS cameraId, kind, cause, started_at AS startedAt, ended_at AS endedAt,
                duration_ms AS durationMs, end_reason AS endReason
           FROM outages
          WHERE started_at < @to AND (ended_at IS NULL OR ended_at > @from)
          ORDER BY started_at, id`,
      )
      .all({ from: fromIso, to: toIso }) as ReportOutageRow[];
  }

  /**
   * Each camera's transitions out of `unknown` in each boot overlapping [fromMs, toMs): the first
   * of each boot, then any after the camera was removed and tracked anew (`retracked`). Every boot
   * starts a camera `unknown` (health/healthMachine.ts): until that transition camgate had no
   * verdict on it (not_yet_seen). Found by boot, not by wall time: a clock stepped back at boot put the verdict
   * before the boot's recorded start, and a search from that start found none (a whole boot of
   * uptime became unknown). One query per boot on the partial index of transitions out of
   * `unknown` (migration 010), not one seek per camera and boot: a crash-looping daemon's thousands
   * of boots × 1,024 cameras made millions (bench/reportVerdicts.ts).
   */
  firstVerdicts(
    cameraIds: readonly string[],
    boots: readonly BootSpanRow[],
    fromMs: number,
    toMs: number,
  ): FirstVerdictRow[] {
    const wanted = new Set(cameraIds);
    const outOfUnknown = this.db.prepare(
      `SELECT camera_id AS cameraId, at FROM transitions
        WHERE boot_id = ? AND from_status = 'unknown' ORDER BY camera_id, id`,
    );
    const out: FirstVerdictRow[] = [];
    for (const b of boots) {
      const endMs = Math.max(b.startedMs, b.lastAliveMs);
      if (b.bootId === undefined || b.startedMs >= toMs || endMs <= fromMs) continue;
      let last: string | undefined;
      for (const row of outOfUnknown.all(b.bootId) as { cameraId: string; at: string }[]) {
        if (!wanted.has(row.cameraId)) continue;
        const retracked = row.cameraId === last;
        last = row.cameraId;
        out.push({
          cameraId: row.cameraId,
          bootId: b.bootId,
          at: row.at,
          ...(retracked ? { retracked } : {}),
        });
      }
    }
    return out;
  }

  /**
   * Every recorded wall-clock step, oldest first (clock_jumps, migration 003), or [] before it: the
   * report places a boot's time before a camera's first verdict in the verdict's clock. Steps are
   * rare (NTP at boot, a few a year after), so one pass over the table.
   */
  clockSteps(): ClockStepRow[] {
    if (!this.hasTable('clock_jumps')) return [];
    return this.db
      .prepare('SELECT boot_id AS bootId, at_ms AS atMs, jump_ms AS jumpMs FROM clock_jumps ORDER BY id')
      .all() as ClockStepRow[];
  }

  /** Each daemon run from start to its last watchdog tick: the time camgate was watching. */
  boots(): BootSpanRow[] {
    return this.db
      .prepare(
        `SELECT started_ms AS startedMs, last_alive_ms AS lastAliveMs, boot_id AS bootId, rowid AS seq
           FROM boots ORDER BY started_ms`,
      )
      .all() as BootSpanRow[];
  }

  /**
   * Picture-degraded periods overlapping [fromIso, toIso) (migration 006), or undefined when the
   * database predates picture checks.
   */
  pictureDegraded(fromIso: string, toIso: string): VerdictPeriodRow[] | undefined {
    if (!this.hasTable('picture_degraded')) return undefined;
    return this.db
      .prepare(
        `SELECT camera_id AS cameraId, reasons, started_at AS startedAt, ended_at AS endedAt, boot_id AS bootId
           FROM picture_degraded WHERE started_at < @to AND (ended_at IS NULL OR ended_at > @from)
          ORDER BY started_at, id`,
      )
      .all({ from: fromIso, to: toIso }) as VerdictPeriodRow[];
  }

  /** `lpr_no_reads` periods overlapping [fromIso, toIso) (migration 009), or undefined before it. */
  lprNoReads(fromIso: string, toIso: string): VerdictPeriodRow[] | undefined {
    if (!this.hasTable('lpr_no_reads')) return undefined;
    return this.db
      .prepare(
        `SELECT camera_id AS cameraId, '' AS reasons, started_at AS startedAt, ended_at AS endedAt, boot_id AS bootId
           FROM lpr_no_reads WHERE started_at < @to AND (ended_at IS NULL OR ended_at > @from)
          ORDER BY started_at, id`,
      )
      .all({ from: fromIso, to: toIso }) as VerdictPeriodRow[];
  }

  private hasTable(name: string): boolean {
    return (
      this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined
    );
  }

  /**
   * Inventory changes in [fromIso, toIso), or undefined when the database predates their tracking
   * (migration 005): read-only, we cannot migrate it, and "none" would be a wrong answer.
   */
  inventoryChanges(fromIso: string, toIso: string): InventoryHistoryRows | undefined {
    const table = this.db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'inventory_changes'")
      .get();
    if (!table) return undefined;
    const since = this.db.prepare('SELECT value FROM kv WHERE key = ?').get(INVENTORY_CHANGES_SINCE_KEY) as
      | { value: string }
      | undefined;
    const changes = this.db
      .prepare(
        `SELECT camera_id AS cameraId, type, at FROM inventory_changes
          WHERE at >= @from AND at < @to ORDER BY at, id`,
      )
      .all({ from: fromIso, to: toIso }) as InventoryChangeRow[];
    return { since: since?.value, changes };
  }
}
