import { isDiskFull } from './diskFull.js';
import type { Db } from './store.js';

export interface BootRow {
  readonly bootId: string;
  readonly startedAt: string;
  readonly lastAliveMs: number;
  readonly stoppedAt: string | null;
  readonly version: string;
}

/** One row per daemon start: uptime across reboots is a gap between a boot's last-alive and the next start. */
export class BootRepo {
  constructor(private readonly db: Db) {}

  start(bootId: string, version: string, nowMs: number): void {
    this.db
      .prepare(
        'INSERT INTO boots (boot_id, started_at, started_ms, last_alive_ms, version) VALUES (?, ?, ?, ?, ?)',
      )
      .run(bootId, new Date(nowMs).toISOString(), nowMs, nowMs, version);
  }

  /**
   * Detail that gives way on a full disk: false when not written. (Regression: the watchdog's call
   * threw SQLITE_FULL as an uncaught exception and the daemon crash-looped.) The next call after
   * space returns catches up; a reboot gap measured meanwhile is at most one interval longer.
   */
  alive(bootId: string, nowMs: number): boolean {
    try {
      this.db.prepare('UPDATE boots SET last_alive_ms = ? WHERE boot_id = ?').run(nowMs, bootId);
      return true;
    } catch (err) {
      if (isDiskFull(err)) return false;
      throw err;
    }
  }

  stop(bootId: string, nowMs: number): void {
    this.db
      .prepare('UPDATE boots SET stopped_at = ?, last_alive_ms = ? WHERE boot_id = ?')
      .run(new Date(nowMs).toISOString(), nowMs, bootId);
  }

  /**
   * The boot started just before `bootId` (or the latest one when `bootId` is unknown). Start order
   * is the insertion order, not `started_ms`: an RTC-less box boots at 1970 until NTP answers, and
   * by wall clock that boot would sort before all others.
   */
  previous(bootId: string): BootRow | undefined {
    const row = this.db
      .prepare(
        `SELECT boot_id AS bootId, started_at AS startedAt, last_alive_ms AS lastAliveMs,
                stopped_at AS stoppedAt, version
           FROM boots
          WHERE boot_id != ?
            AND rowid < COALESCE((SELECT rowid FROM boots WHERE boot_id = ?), 9223372036854775807)
          ORDER BY rowid DESC LIMIT 1`,
      )
      .get(bootId, bootId) as BootRow | undefined;
    return row;
  }
}
