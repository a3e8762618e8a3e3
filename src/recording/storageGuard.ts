import fs from 'node:fs/promises';
import { type Clock, isoTs } from '../shared/clock.js';
import type { CamgateEvents } from '../shared/events.js';
import type { Log } from '../shared/log.js';
import type { StorageAlarmCode } from '../shared/types.js';
import type { CameraWatch } from './cameraWatch.js';
import { type DiskProbe, localDisk } from './diskSpace.js';
import { daysHeld, planRetention } from './retentionPlan.js';
import { alarmKey, type StorageAlarm } from './storageAlarms.js';

export interface CameraUsage {
  readonly cameraId: string;
  readonly source: string;
  readonly bytes: number;
  readonly segments: number;
  readonly daysHeld: number;
  readonly oldestAt?: string;
  /** Holds retentionDays, or has not been recording that long and lost nothing to the space floor. */
  readonly compliant: boolean;
}

export interface StorageReport {
  readonly dir: string;
  readonly totalBytes: number;
  readonly freeBytes: number;
  readonly freePercent: number;
  readonly minFreePercent: number;
  readonly retentionDays: number;
  readonly deletedSegments: number;
  readonly cameras: readonly CameraUsage[];
  readonly alarms: readonly StorageAlarm[];
  readonly checkedAt?: string;
}

export interface StorageGuardOptions {
  readonly dir: string;
  readonly retentionDays: number;
  readonly minFreePercent: number;
  /** The SQLite directory; warned about when it shares the recordings' filesystem. */
  readonly databaseDir?: string;
  /**
   * Alarms active when the previous daemon stopped. They stay raised (no new event) while their
   * condition holds; those the first complete check does not confirm are cleared, so a disk freed
   * while the daemon was down still gets its `cleared` event. On a site that no longer records
   * with our ffmpeg the first check clears them all: their conditions are no longer judged there.
   */
  readonly carried?: readonly StorageAlarm[];
}

export interface StorageGuardDeps {
  readonly clock: Clock;
  readonly log: Log;
  /** Told of every raise and clear (the recording service puts it on the bus for the centre). */
  readonly onAlarm?: (change: CamgateEvents['recording.alarm']) => void;
  /** The recordings' filesystem; the real one unless a test fakes it. */
  readonly disk?: DiskProbe;
}

/**
 * A disk alarm clears only once its condition has been false on this many checks in a row: a disk
 * sitting at the threshold would otherwise send a raise/clear pair (priority 2, never dropped from
 * the outbox) on every check.
 */
const CLEAR_AFTER_CHECKS = 2;

/**
 * Retention by age and by the free-space floor, disk usage and days held per camera, and the
 * alarms raised before the disk fills. Every failure is caught and becomes an alarm: a full or
 * broken disk must never take the daemon down with it.
 */
export class StorageGuard {
  private readonly alarms = new Map<string, StorageAlarm>();
  /** Carried-over alarm keys not yet seen true by this daemon. */
  private readonly unconfirmed = new Set<string>();
  /** Cameras whose history the space floor cut short; they stay short until they hold retentionDays. */
  private readonly evicted = new Set<string>();
  /** Disk alarm key -> consecutive checks its condition has been false while it is raised. */
  private readonly clearStreak = new Map<string, number>();
  private readonly disk: DiskProbe;
  private deleted = 0;
  private last: StorageReport;

  constructor(
    private readonly o: StorageGuardOptions,
    private readonly deps: StorageGuardDeps,
  ) {
    this.last = this.emptyReport();
    this.disk = deps.disk ?? localDisk;
    for (const a of o.carried ?? []) {
      const key = alarmKey(a.code, a.cameraId);
      this.alarms.set(key, a);
      this.unconfirmed.add(key);
      // Which cameras the floor cut short lived in memory only: after a restart the carried alarm is
      // the record of it, so the camera stays short until it again holds retentionDays.
      if (a.code === 'retention_short' && a.cameraId) this.evicted.add(a.cameraId);
    }
  }

  report(): StorageReport {
    return { ...this.last, alarms: [...this.alarms.values()] };
  }

  async checkSharedFilesystem(): Promise<void> {
    if (!this.o.databaseDir || this.o.databaseDir === ':memory:') return;
    try {
      const shared = await this.disk.sameFilesystem(this.o.dir, this.o.databaseDir);
      this.setAlarm(
        'db_shares_filesystem',
        shared,
        undefined,
        'recordings and the database share one filesystem: a full disk also stops the database; put recording.dir on its own disk',
      );
    } catch (err) {
      // Not checked is not cleared: a carried alarm stays raised rather than cleared unseen.
      this.unconfirmed.delete(alarmKey('db_shares_filesystem', undefined));
      this.deps.log.warn({ err }, 'cannot compare recording and database filesystems');
    }
  }

  /**
   * One storage check. `guarded`: recording.dir is ours (our ffmpeg records there, or is configured
   * to); when not, edge and external video lives on disks camgate never writes, so no retention
   * and no disk alarms, only the usage report.
   */
  async run(watches: readonly CameraWatch[], guarded = watches.some((w) => w.index)): Promise<StorageReport> {
    const now = this.deps.clock.now();
    const own = watches.filter((w) => w.index);
    if (!guarded) return this.usageOnly(watches, now);
    try {
      const space = await this.disk.space(this.o.dir);
      const plan = planRetention({
        cameras: own.map((w) => ({ cameraId: w.plan.cameraId, segments: w.heldSegments() })),
        nowMs: now,
        retentionDays: this.o.retentionDays,
        totalBytes: space.totalBytes,
        freeBytes: space.freeBytes,
        minFreePercent: this.o.minFreePercent,
      });
      const removed = await this.remove(plan.deletions.map((d) => d.path));
      for (const w of own) w.index?.forget(removed);
      for (const d of plan.deletions) if (d.reason === 'space') this.evicted.add(d.cameraId);
      this.deleted += removed.length;
      if (removed.length > 0)
        this.deps.log.info(
          { deleted: removed.length, freeAfter: plan.freeAfter },
          'retention removed segments',
        );
      const after = await this.disk.space(this.o.dir);
      this.setAlarm('storage_unreadable', false);
      this.setDiskAlarm(
        'disk_low',
        plan.floorUnreachable,
        `free space ${pct(after.freeBytes, after.totalBytes)}% is under the ${this.o.minFreePercent}% floor and retention has nothing more to delete`,
      );
      this.setDiskAlarm(
        'disk_full',
        after.freeBytes < Math.min(after.totalBytes * 0.01, 64_000_000),
        'recording disk is full',
      );
      this.last = this.buildReport(watches, after, now);
      this.clearUnconfirmed();
    } catch (err) {
      this.deps.log.error({ err }, 'storage check failed');
      this.setAlarm(
        'storage_unreadable',
        true,
        undefined,
        `storage check failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    return this.report();
  }

  private async usageOnly(watches: readonly CameraWatch[], now: number): Promise<StorageReport> {
    let space = { totalBytes: 0, freeBytes: 0 };
    try {
      space = await this.disk.space(this.o.dir);
    } catch (err) {
      this.deps.log.debug({ err }, 'recording dir not readable; no camera records there');
    }
    this.last = this.buildReport(watches, space, now);
    // Nothing here judges the disk or the database's filesystem (retention_short only for cameras
    // our ffmpeg records): carried alarms would otherwise stay raised at the centre forever.
    this.clearUnconfirmed();
    return this.report();
  }

  private buildReport(
    watches: readonly CameraWatch[],
    space: { totalBytes: number; freeBytes: number },
    now: number,
  ): StorageReport {
    const cameras = watches
      .filter((w) => w.plan.source === 'own' || w.plan.source === 'external')
      .map((w): CameraUsage => {
        const segs = w.heldSegments();
        const held = daysHeld(segs, now);
        // Retention deletes only what our ffmpeg wrote: the floor never forces external video out,
        // so a retention_short carried from when we recorded this camera has ended.
        if (w.plan.source !== 'own') this.evicted.delete(w.plan.cameraId);
        const compliant = held >= this.o.retentionDays || !this.evicted.has(w.plan.cameraId);
        if (held >= this.o.retentionDays) this.evicted.delete(w.plan.cameraId);
        this.setAlarm(
          'retention_short',
          !compliant,
          w.plan.cameraId,
          `holds ${held.toFixed(2)} of ${this.o.retentionDays} days: the free-space floor forced older video out`,
        );
        const oldest = segs[0];
        return {
          cameraId: w.plan.cameraId,
          source: w.plan.source,
          bytes: segs.reduce((sum, s) => sum + s.size, 0),
          segments: segs.length,
          daysHeld: Math.round(held * 1000) / 1000,
          oldestAt: oldest ? isoTs(oldest.startMs) : undefined,
          compliant,
        };
      });
    return {
      ...this.emptyReport(),
      totalBytes: space.totalBytes,
      freeBytes: space.freeBytes,
      freePercent: pct(space.freeBytes, space.totalBytes),
      deletedSegments: this.deleted,
      cameras,
      checkedAt: isoTs(now),
    };
  }

  private async remove(paths: readonly string[]): Promise<string[]> {
    const done: string[] = [];
    for (const p of paths) {
      try {
        await fs.rm(p, { force: true });
        done.push(p);
      } catch (err) {
        this.deps.log.warn({ err, segment: p }, 'retention could not delete a segment');
      }
    }
    return done;
  }

  /** Every alarm has been evaluated once by now: carried ones not seen true have ended. */
  private clearUnconfirmed(): void {
    for (const key of [...this.unconfirmed]) {
      const a = this.alarms.get(key);
      if (a) this.setAlarm(a.code, false, a.cameraId);
    }
  }

  private setDiskAlarm(code: 'disk_low' | 'disk_full', on: boolean, message: string): void {
    const key = alarmKey(code, undefined);
    const streak = on || !this.alarms.has(key) ? 0 : (this.clearStreak.get(key) ?? 0) + 1;
    this.clearStreak.set(key, streak);
    // A carried alarm not seen true is cleared by clearUnconfirmed on this first check regardless.
    if (on || streak === 0 || streak >= CLEAR_AFTER_CHECKS) this.setAlarm(code, on, undefined, message);
  }

  private setAlarm(code: StorageAlarmCode, on: boolean, cameraId?: string, message = ''): void {
    const key = alarmKey(code, cameraId);
    if (on) this.unconfirmed.delete(key);
    const existing = this.alarms.get(key);
    const now = this.deps.clock.now();
    if (on && !existing) {
      this.alarms.set(key, { code, cameraId, message, since: isoTs(now) });
      this.deps.log.error({ alarm: code, cameraId }, message);
      this.deps.onAlarm?.({ code, cameraId, message, raised: true, since: now, at: now });
    } else if (!on && existing) {
      this.alarms.delete(key);
      this.unconfirmed.delete(key);
      this.deps.log.info({ alarm: code, cameraId }, 'storage alarm cleared');
      const since = Date.parse(existing.since);
      this.deps.onAlarm?.({ code, cameraId, message: existing.message, raised: false, since, at: now });
    }
  }

  private emptyReport(): StorageReport {
    return {
      dir: this.o.dir,
      totalBytes: 0,
      freeBytes: 0,
      freePercent: 0,
      minFreePercent: this.o.minFreePercent,
      retentionDays: this.o.retentionDays,
      deletedSegments: this.deleted,
      cameras: [],
      alarms: [],
    };
  }
}

function pct(part: number, total: number): number {
  return total > 0 ? Math.round((part / total) * 1000) / 10 : 0;
}
