/**
 * Which segments to delete, pure. Two rules, in order:
 *   1. age: a segment goes once it *ended* (the next one started) before now - retentionDays, so
 *      a camera always keeps at least retentionDays of history;
 *   2. space: while free space is under the floor, delete the oldest segment of the camera that
 *      holds the most history. That evens out days held across cameras (fair per camera) instead
 *      of letting one high-bitrate camera push every other camera's history off the disk.
 * Each camera's newest segment is never deleted: ffmpeg is still writing it.
 */
export interface PlanSegment {
  readonly path: string;
  readonly startMs: number;
  readonly size: number;
}

export interface PlanCamera {
  readonly cameraId: string;
  /** Oldest first. */
  readonly segments: readonly PlanSegment[];
}

export interface PlanInput {
  readonly cameras: readonly PlanCamera[];
  readonly nowMs: number;
  readonly retentionDays: number;
  readonly totalBytes: number;
  readonly freeBytes: number;
  readonly minFreePercent: number;
}

export interface PlanDeletion extends PlanSegment {
  readonly cameraId: string;
  readonly reason: 'age' | 'space';
}

export interface RetentionPlan {
  readonly deletions: readonly PlanDeletion[];
  /** Free bytes expected once the deletions are done. */
  readonly freeAfter: number;
  readonly floorBytes: number;
  /** The floor cannot be reached by deleting our segments (something else fills the disk). */
  readonly floorUnreachable: boolean;
}

const DAY_MS = 86_400_000;

export function planRetention(input: PlanInput): RetentionPlan {
  const floorBytes = Math.ceil((input.totalBytes * input.minFreePercent) / 100);
  const cutoff = input.nowMs - input.retentionDays * DAY_MS;
  const deletions: PlanDeletion[] = [];
  let free = input.freeBytes;
  // Deletable segments per camera, oldest first; the newest (open) one is held back.
  const queues = input.cameras.map((c) => ({ cameraId: c.cameraId, left: c.segments.slice(0, -1) }));
  for (const [i, q] of queues.entries()) {
    const all = input.cameras[i]?.segments ?? [];
    // q.left[0] is all[k] with k = all.length - 1 - q.left.length; its end is all[k + 1].startMs.
    const endOfHead = () => all[all.length - q.left.length]?.startMs ?? Number.POSITIVE_INFINITY;
    while (q.left[0] && endOfHead() <= cutoff) {
      const seg = q.left.shift() as PlanSegment;
      deletions.push({ ...seg, cameraId: q.cameraId, reason: 'age' });
      free += seg.size;
    }
  }
  while (free < floorBytes) {
    let pick: (typeof queues)[number] | undefined;
    for (const q of queues) {
      const head = q.left[0];
      if (head && (!pick || head.startMs < (pick.left[0]?.startMs ?? Number.POSITIVE_INFINITY))) pick = q;
    }
    const seg = pick?.left.shift();
    if (!pick || !seg) break;
    deletions.push({ ...seg, cameraId: pick.cameraId, reason: 'space' });
    free += seg.size;
  }
  return { deletions, freeAfter: free, floorBytes, floorUnreachable: free < floorBytes };
}

/** Days of history a camera actually holds (its oldest segment's age), for retention compliance. */
export function daysHeld(segments: readonly PlanSegment[], nowMs: number): number {
  const oldest = segments[0];
  return oldest ? Math.max(0, (nowMs - oldest.startMs) / DAY_MS) : 0;
}
