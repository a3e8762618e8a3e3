import { createHash } from 'node:crypto';

/**
 * A site's checks are spread over at least this many moments of the interval (every camera its
 * own moment below this many cameras).
 */
const MIN_MOMENTS = 8;

/** 0…1 from the camera id: the camera's place in its site's order, the same across restarts. */
export function staggerOf(cameraId: string): number {
  return createHash('sha1').update(cameraId).digest().readUInt32BE(0) / 0x1_0000_0000;
}

/**
 * Each camera's offset in the interval (0…1) when `together` checks start at one moment, so that
 * their pictures share one ffmpeg run (#14): the run's start (~0.15 s of CPU: ffmpeg loads 215
 * shared libraries) is nearly all of its cost, decoding a sub-stream keyframe well under 1 ms. With
 * every camera at its own offset, a batch held what arrived within its wait (5 % of the interval):
 * at 256 cameras ~40 runs per interval, 1.28 % of a core. Cameras keep their order by id
 * (`staggerOf`), and are cut into equal groups of at most `together`, the groups evenly spread;
 * a small site is still spread over `MIN_MOMENTS` moments or one per camera.
 */
export function groupedOffsets(ids: readonly string[], together: number): Map<string, number> {
  const n = ids.length;
  const moments = Math.max(Math.ceil(n / Math.max(1, together)), Math.min(n, MIN_MOMENTS));
  const ordered = ids.map((id) => ({ id, at: staggerOf(id) })).sort((a, b) => a.at - b.at);
  // Mid-slot: a group at offset 0 would be due at the service's first tick, before any stream is
  // up after a start, and its check would be lost for a whole interval (found in review).
  return new Map(ordered.map(({ id }, rank) => [id, (Math.floor((rank * moments) / n) + 0.5) / moments]));
}

/** The first time ≥ `now` at `offset` (0…1) of an interval, intervals counted from `from`. */
export function nextMoment(from: number, offset: number, intervalMs: number, now: number): number {
  const ahead = (from + offset * intervalMs - now) % intervalMs;
  return now + (ahead < 0 ? ahead + intervalMs : ahead);
}

/**
 * The groups' moments of one picture service: counted from the first tick that saw cameras, so a
 * camera found later (a discovery sweep, a config reload) joins its group's next moment and run.
 */
export class CheckGroups {
  private from: number | undefined;

  constructor(private readonly together: number) {}

  /** First due time of each camera in `ids` not `seen` yet; undefined when all were seen. */
  firstDues(
    ids: readonly string[],
    seen: (id: string) => boolean,
    now: number,
    intervalMs: number,
  ): Map<string, number> | undefined {
    if (ids.every(seen)) return undefined;
    this.from ??= now;
    const offsets = groupedOffsets(ids, this.together);
    const dues = new Map<string, number>();
    for (const id of ids) {
      if (!seen(id)) dues.set(id, nextMoment(this.from, offsets.get(id) ?? 0, intervalMs, now));
    }
    return dues;
  }
}
