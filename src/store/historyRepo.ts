import path from 'node:path';
import Database from 'better-sqlite3';
import { streamCauseOf } from '../shared/causes.js';
import { isoTs } from '../shared/clock.js';
import { CamgateError } from '../shared/errors.js';
import { BootRepo } from './bootRepo.js';
import type {
  ClockJumpRow,
  HistoryNow,
  OutageRow,
  RebootGapResult,
  TransitionInput,
  TransitionRow,
} from './historyTypes.js';
import { statementCache } from './statements.js';
import { DB_FILE, type Db } from './store.js';

export type {
  ClockJumpRow,
  HistoryNow,
  OutageRow,
  RebootGapResult,
  TransitionInput,
  TransitionRow,
} from './historyTypes.js';

/** The health machine reports stream outages; recording and uplink outages are other modules' kinds. */
const KIND = 'stream';

export const OUTAGE_COLS = `o.id, o.camera_id AS cameraId, o.kind, o.cause, o.started_at AS startedAt,
  o.started_ms AS startedMs, o.ended_at AS endedAt, o.ended_ms AS endedMs, o.duration_ms AS durationMs,
  o.end_reason AS endReason, o.boot_id AS bootId, o.started_mono_ms AS startedMonoMs`;

/**
 * Transitions, outages, clock steps and reboot gaps: the camera's history. Uptime and "restored"
 * figures are computed from these rows by report/compute.ts alone (`camgate report`).
 */
export class HistoryRepo {
  /** Prepared once: a mass stall records 1,024 transitions in one go (#14). */
  private readonly prepare: (sql: string) => Database.Statement;

  constructor(private readonly db: Db) {
    this.prepare = statementCache(db);
  }

  /**
   * One SQLite transaction: the transition row plus the outage its edge opens or closes. The edge
   * is the health machine's; here only "one open stream outage per camera" is kept.
   */
  recordTransition(input: TransitionInput): { opened?: OutageRow; closed?: OutageRow } {
    // STRICT INTEGER columns: performance.now() is fractional, and a REAL there is a write error.
    const t = { ...input, wallMs: Math.round(input.wallMs), monoMs: Math.round(input.monoMs) };
    return this.db.transaction(() => {
      this.prepare(
        `INSERT INTO transitions (camera_id, at, at_ms, from_status, to_status, reasons_json, evidence_json, boot_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        t.cameraId,
        isoTs(t.wallMs),
        t.wallMs,
        t.from,
        t.to,
        JSON.stringify(t.reasons),
        t.evidence === undefined ? null : JSON.stringify(t.evidence),
        t.bootId,
      );
      const open = this.openOutage(t.cameraId);
      if (t.outage === 'start' && !open) {
        const id = this.prepare(
          `INSERT INTO outages (camera_id, kind, cause, started_at, started_ms, started_mono_ms, boot_id)
             VALUES (?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          t.cameraId,
          KIND,
          // Only a down status opens an outage (health/outage.ts), and a down status always has a
          // cause; the fallback is the health machine's own rule, never a guess.
          t.cause ?? streamCauseOf(t.to, t.reasons) ?? 'camera_offline',
          isoTs(t.wallMs),
          t.wallMs,
          t.monoMs,
          t.bootId,
        ).lastInsertRowid;
        return { opened: this.outageById(Number(id)) };
      }
      if (t.outage === 'end' && open) {
        return { closed: this.closeOutage(open, 'restored', t) };
      }
      if (t.outage === undefined && t.stillDown && open && t.cause !== undefined && t.cause !== open.cause) {
        this.prepare('UPDATE outages SET cause = ? WHERE id = ?').run(t.cause, open.id);
      }
      return {};
    })();
  }

  /** Closes an open outage (a removed camera, a restored one). */
  closeOutage(open: OutageRow, reason: 'restored' | 'removed' | 'gap_reboot', now: HistoryNow): OutageRow {
    const duration =
      open.bootId === now.bootId && open.startedMonoMs !== null
        ? now.monoMs - open.startedMonoMs
        : this.wallDuration(open, now.wallMs);
    this.prepare(
      'UPDATE outages SET ended_at = ?, ended_ms = ?, duration_ms = ?, end_reason = ? WHERE id = ?',
    ).run(isoTs(now.wallMs), Math.round(now.wallMs), Math.max(0, Math.round(duration)), reason, open.id);
    return this.outageById(open.id);
  }

  /**
   * At daemon start: outages left open by earlier boots end as `gap_reboot` at their boot's
   * last_alive_ms, and the gap between the previous boot and this one is recorded. Every kind is
   * closed: no module can know what happened while the gateway was down. Idempotent.
   */
  closeRebootGaps(bootId: string, startedWallMs: number): RebootGapResult | undefined {
    return this.db.transaction(() => {
      const boots = new BootRepo(this.db);
      const stale = this.prepare(
        `SELECT ${OUTAGE_COLS}, b.last_alive_ms AS lastAliveMs FROM outages o
             LEFT JOIN boots b USING (boot_id) WHERE o.ended_at IS NULL AND o.boot_id != ?`,
      ).all(bootId) as (OutageRow & { lastAliveMs: number | null })[];
      const closed = stale.map((o) => {
        const endMs = Math.max(o.startedMs, o.lastAliveMs ?? startedWallMs);
        const duration = this.wallDuration(o, endMs);
        this.prepare(
          "UPDATE outages SET ended_at = ?, ended_ms = ?, duration_ms = ?, end_reason = 'gap_reboot' WHERE id = ?",
        ).run(isoTs(endMs), endMs, duration, o.id);
        return this.outageById(o.id);
      });
      const prev = boots.previous(bootId);
      if (!prev) return undefined;
      const gap = {
        previousBootId: prev.bootId,
        fromMs: prev.lastAliveMs,
        toMs: startedWallMs,
        clean: prev.stoppedAt !== null,
      };
      this.prepare(
        `INSERT OR IGNORE INTO reboot_gaps (boot_id, previous_boot_id, from_ms, to_ms, clean, open_outages)
           VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(bootId, gap.previousBootId, gap.fromMs, Math.round(gap.toMs), gap.clean ? 1 : 0, closed.length);
      return { ...gap, closed };
    })();
  }

  recordClockJump(bootId: string, wallMs: number, monoMs: number, jumpMs: number): void {
    this.prepare(
      'INSERT INTO clock_jumps (boot_id, at, at_ms, at_mono_ms, jump_ms) VALUES (?, ?, ?, ?, ?)',
    ).run(bootId, isoTs(wallMs), Math.round(wallMs), Math.round(monoMs), Math.round(jumpMs));
  }

  clockJumps(limit = 100): ClockJumpRow[] {
    return this.prepare(
      'SELECT boot_id AS bootId, at, jump_ms AS jumpMs FROM clock_jumps ORDER BY id DESC LIMIT ?',
    ).all(limit) as ClockJumpRow[];
  }

  /** The camera's open stream outage; recording and uplink outages in the same table are not ours. */
  openOutage(cameraId: string): OutageRow | undefined {
    return this.prepare(
      `SELECT ${OUTAGE_COLS} FROM outages o
          WHERE camera_id = ? AND kind = '${KIND}' AND ended_at IS NULL ORDER BY id DESC LIMIT 1`,
    ).get(cameraId) as OutageRow | undefined;
  }

  /** Outages that overlap [sinceMs, now), oldest first; `kind`: stream, recording or uplink only. */
  outages(filter: { cameraId?: string; kind?: string; sinceMs?: number; limit?: number } = {}): OutageRow[] {
    return this.prepare(
      `SELECT ${OUTAGE_COLS} FROM outages o
          WHERE (@camera IS NULL OR camera_id = @camera)
            AND (@kind IS NULL OR kind = @kind)
            AND (@since IS NULL OR ended_ms IS NULL OR ended_ms >= @since)
          ORDER BY started_ms, id LIMIT @limit`,
    ).all({
      camera: filter.cameraId ?? null,
      kind: filter.kind ?? null,
      since: filter.sinceMs ?? null,
      limit: filter.limit ?? 10_000,
    }) as OutageRow[];
  }

  transitions(cameraId: string, limit = 10): TransitionRow[] {
    const rows = this.prepare(
      `SELECT id, camera_id AS cameraId, at, from_status AS "from", to_status AS "to", reasons_json AS reasonsJson,
                boot_id AS bootId
           FROM transitions WHERE camera_id = ? ORDER BY id DESC LIMIT ?`,
    ).all(cameraId, limit) as (Omit<TransitionRow, 'reasons'> & { reasonsJson: string })[];
    return rows.map(({ reasonsJson, ...r }) => ({ ...r, reasons: parseReasons(reasonsJson) }));
  }

  /** Whether the camera has any history here (or is in the persisted inventory). */
  knowsCamera(cameraId: string): boolean {
    const row = this.prepare(
      `SELECT 1 AS ok WHERE EXISTS (SELECT 1 FROM transitions WHERE camera_id = @id)
            OR EXISTS (SELECT 1 FROM outages WHERE camera_id = @id)
            OR EXISTS (SELECT 1 FROM cameras WHERE id = @id)`,
    ).get({ id: cameraId });
    return row !== undefined;
  }

  /**
   * Across a boot boundary only wall time exists; subtract the clock steps recorded in the outage's
   * boot after it started, so a step is not counted as down time.
   */
  private wallDuration(o: OutageRow, endWallMs: number): number {
    const row = this.prepare(
      'SELECT COALESCE(SUM(jump_ms), 0) AS steps FROM clock_jumps WHERE boot_id = ? AND at_mono_ms >= ?',
    ).get(o.bootId, o.startedMonoMs ?? 0) as { steps: number };
    return Math.max(0, endWallMs - o.startedMs - row.steps);
  }

  private outageById(id: number): OutageRow {
    const row = this.prepare(`SELECT ${OUTAGE_COLS} FROM outages o WHERE id = ?`).get(id) as
      | OutageRow
      | undefined;
    if (!row) throw new CamgateError('INTERNAL', `outage ${id} vanished inside its own transaction`);
    return row;
  }
}

function parseReasons(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * For the CLI while the daemon may be stopped: the daemon's database, read-only, never migrated.
 * The caller closes the returned handle.
 */
export function openHistoryReadOnly(dir: string): { history: HistoryRepo; close(): void } {
  const file = path.join(dir, DB_FILE);
  let db: Db;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new CamgateError('STORE_OPEN', `cannot open ${file} read-only (has the daemon run here?)`, {
      cause: err,
    });
  }
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version < 3) {
    db.close();
    throw new CamgateError(
      'STORE_OPEN',
      `${file} is schema v${version}; start the daemon once to migrate it`,
    );
  }
  return { history: new HistoryRepo(db), close: () => db.close() };
}
