import type { CamgateEvents } from '../shared/events.js';
import type { Interrogation } from './interrogate.js';
import type { StoredCamera } from './inventory.js';

/** Clock drift beyond this is reported (`camera.clockDrift`): WS-Security and evidence timestamps depend on it. */
export const CLOCK_DRIFT_MS = 5000;
/** A drift that lasts is reported again after this long. */
const DRIFT_REMINDER_MS = 86_400_000;

/** Camera clock drift as news for the centre: measured offsets in, `camera.clockDrift` out. */
export class DriftReport {
  /** Last drift reported per camera. */
  private readonly last = new Map<string, { offsetMs: number; at: number }>();

  constructor(private readonly emit: (d: CamgateEvents['camera.clockDrift']) => void) {}

  /**
   * `camera.clockDrift` for offsets measured in this sweep (a kept offset is no news), once per
   * drift: again when it moves by more than the threshold, or as a daily reminder while it lasts,
   * not on every sweep (288 events a day per camera at the default interval).
   */
  report(
    next: readonly StoredCamera[],
    results: readonly Interrogation[],
    nowIso: string,
    now: number,
  ): void {
    const measured = new Set(
      results.filter((r) => r.clockOffsetMs !== undefined).map((r) => r.target.address),
    );
    for (const c of next) {
      const offset = c.record.clockOffsetMs;
      const id = c.record.id;
      if (c.removed || c.record.lastSeenAt !== nowIso || !measured.has(c.record.address)) continue;
      if (offset === undefined || Math.abs(offset) <= CLOCK_DRIFT_MS) {
        this.last.delete(id);
        continue;
      }
      const prev = this.last.get(id);
      if (prev && Math.abs(offset - prev.offsetMs) <= CLOCK_DRIFT_MS && now - prev.at < DRIFT_REMINDER_MS)
        continue;
      this.last.set(id, { offsetMs: offset, at: now });
      this.emit({ cameraId: id, offsetMs: offset, at: now });
    }
  }
}
