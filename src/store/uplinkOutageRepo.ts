import type Database from 'better-sqlite3';
import type { UplinkOutageCause } from '../shared/causes.js';
import { isoTs } from '../shared/clock.js';
import { HistoryRepo, OUTAGE_COLS } from './historyRepo.js';
import type { HistoryNow, OutageRow } from './historyTypes.js';
import { statementCache } from './statements.js';
import type { Db } from './store.js';

/**
 * The gateway's own uplink outages in the shared `outages` table (kind = 'uplink', issue #12), so
 * `camgate outages --kind uplink` and the SLA report read them beside camera outages. The row's
 * camera_id is the gateway id: the uplink is the gateway's, and the report applies it to every
 * camera. One open uplink outage at most. Durations within a boot are monotonic, like stream ones.
 */
export class UplinkOutageRepo {
  private readonly history: HistoryRepo;
  /**
   * Prepared once: `openOutage` runs on every link change and every `camgate status`, and
   * preparing its SQL each time was 9 ms of the reconnect's outage write at 1,024 cameras (#14).
   */
  private readonly prepare: (sql: string) => Database.Statement;

  constructor(
    private readonly db: Db,
    private readonly gatewayId: string,
  ) {
    this.history = new HistoryRepo(db);
    this.prepare = statementCache(db);
  }

  /** Opens an outage unless one is open; returns the open one. */
  open(cause: UplinkOutageCause, now: HistoryNow): OutageRow {
    const open = this.openOutage();
    if (open) return open;
    const wallMs = Math.round(now.wallMs);
    this.prepare(
      `INSERT INTO outages (camera_id, kind, cause, started_at, started_ms, started_mono_ms, boot_id)
         VALUES (?, 'uplink', ?, ?, ?, ?, ?)`,
    ).run(this.gatewayId, cause, isoTs(wallMs), wallMs, Math.round(now.monoMs), now.bootId);
    return this.openOutage() as OutageRow;
  }

  /** Ends the open outage as `restored`; undefined when none was open. */
  close(now: HistoryNow): OutageRow | undefined {
    const open = this.openOutage();
    return open ? this.history.closeOutage(open, 'restored', now) : undefined;
  }

  openOutage(): OutageRow | undefined {
    return this.prepare(
      `SELECT ${OUTAGE_COLS} FROM outages o
          WHERE kind = 'uplink' AND ended_at IS NULL ORDER BY id DESC LIMIT 1`,
    ).get() as OutageRow | undefined;
  }

  /**
   * At start, before anything else closes them: uplink outages an earlier boot left open end as
   * `gap_reboot` at that boot's last sign of life (as closeRebootGaps does for every kind), and are
   * returned so they can still be told to the centre.
   */
  closeLeftovers(bootId: string, nowMs: number): OutageRow[] {
    const rows = this.db
      .prepare(
        `SELECT ${OUTAGE_COLS}, b.last_alive_ms AS lastAliveMs FROM outages o LEFT JOIN boots b USING (boot_id)
          WHERE o.kind = 'uplink' AND o.ended_at IS NULL AND o.boot_id != ?`,
      )
      .all(bootId) as (OutageRow & { lastAliveMs: number | null })[];
    return rows.map(({ lastAliveMs, ...o }) =>
      this.history.closeOutage(o, 'gap_reboot', {
        bootId,
        wallMs: Math.max(o.startedMs, lastAliveMs ?? nowMs),
        monoMs: 0,
      }),
    );
  }
}
