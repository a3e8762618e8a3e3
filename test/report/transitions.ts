import type { CameraStatus } from '../../src/shared/types.js';
import type { HistoryRepo } from '../../src/store/historyRepo.js';

/**
 * One recorded health transition as the daemon writes it: an `offline` verdict opens an outage
 * (cause camera_offline), leaving `offline` closes it.
 */
export function recordVerdict(
  history: HistoryRepo,
  t: {
    cameraId: string;
    from: CameraStatus;
    to: CameraStatus;
    bootId: string;
    wallMs: number;
    monoMs: number;
  },
): void {
  history.recordTransition({
    cameraId: t.cameraId,
    from: t.from,
    to: t.to,
    reasons: t.to === 'offline' ? ['connection_refused'] : [],
    cause: t.to === 'offline' ? 'camera_offline' : undefined,
    outage: t.to === 'offline' ? 'start' : t.from === 'offline' ? 'end' : undefined,
    stillDown: false,
    bootId: t.bootId,
    wallMs: t.wallMs,
    monoMs: t.monoMs,
  });
}
