import type { InventoryEvent, StoredCamera } from './inventory.js';

/**
 * The inventory cap (`discovery.maxCameras`, #13 item 9): anything on the camera LAN can answer a
 * probe or send a Hello, so the inventory must not grow without bound. Pure: a reconciled sweep in,
 * the same sweep with the new cameras beyond the cap left out. Cameras already known are never
 * dropped (a lower cap after a config change must not remove working cameras), and a camera with a
 * `cameras:` entry goes before an unknown newcomer: a technician typed it in.
 */
export interface CappedSweep {
  readonly next: StoredCamera[];
  readonly events: InventoryEvent[];
  /** Ids of the new cameras left out of the inventory. */
  readonly ignored: string[];
}

export function capInventory(
  sweep: { readonly next: readonly StoredCamera[]; readonly events: readonly InventoryEvent[] },
  previous: readonly StoredCamera[],
  maxCameras: number,
  configured: (camera: InventoryEvent['camera']) => boolean,
): CappedSweep {
  const active = sweep.next.filter((c) => !c.removed).length;
  let excess = active - maxCameras;
  if (excess <= 0) return { next: [...sweep.next], events: [...sweep.events], ignored: [] };
  const added = sweep.events.filter((e) => e.type === 'camera.added');
  // Unknown newcomers go first, the last found first; configured cameras only if still over.
  const candidates = [
    ...added.filter((e) => !configured(e.camera)).reverse(),
    ...added.filter((e) => configured(e.camera)).reverse(),
  ].map((e) => e.camera.id);
  const ignored = new Set<string>();
  for (const id of candidates) {
    if (excess <= 0) break;
    ignored.add(id);
    excess -= 1;
  }
  // A removed camera that came back and was left out stays as it was (removed, pruned in time).
  const kept = previous.filter((p) => p.removed && ignored.has(p.record.id));
  return {
    next: [...sweep.next.filter((c) => !ignored.has(c.record.id)), ...kept],
    events: sweep.events.filter((e) => !(e.type === 'camera.added' && ignored.has(e.camera.id))),
    ignored: [...ignored],
  };
}

/** What the centre and `camgate status` are told about the cap. */
export interface CapState {
  readonly maxCameras: number;
  readonly reached: boolean;
  /** Active cameras in the inventory. */
  readonly cameras: number;
  /** New devices left out since the cap was reached (distinct camera ids, saturating). */
  readonly ignored: number;
}

/** Ignored ids kept at most (a flood of distinct devices must not grow memory either). */
const MAX_IGNORED_TRACKED = 10_000;

/**
 * The cap's state across sweeps: reached when the inventory holds `maxCameras` or more, cleared
 * when it falls below. `update` says whether anything the centre sees changed (always, the first
 * time: the state as this process finds it) and whether the cap was crossed in this process
 * (`edge`), so the alarm is raised once per crossing, not on every sweep.
 */
export class CapTracker {
  private updated = false;
  private reached = false;
  private cameras = 0;
  private readonly ignoredIds = new Set<string>();

  constructor(private readonly maxCameras: number) {}

  /**
   * After a sweep or a Hello: the active count and the ids this pass left out. `state` is what to
   * tell: on a `cleared` edge it still counts the episode's ignored devices, once.
   */
  update(
    activeCameras: number,
    ignoredIds: readonly string[],
  ): { changed: boolean; edge: 'reached' | 'cleared' | undefined; state: CapState } {
    const before = this.state();
    const reached = activeCameras >= this.maxCameras;
    const edge = reached === this.reached ? undefined : reached ? 'reached' : 'cleared';
    const episodeIgnored = this.ignoredIds.size;
    // A new episode counts afresh: what was ignored before the cap cleared may have been admitted.
    if (edge !== undefined) this.ignoredIds.clear();
    this.reached = reached;
    this.cameras = activeCameras;
    for (const id of ignoredIds) {
      if (this.ignoredIds.size >= MAX_IGNORED_TRACKED) break;
      this.ignoredIds.add(id);
    }
    const after = this.state();
    const changed =
      !this.updated ||
      before.reached !== after.reached ||
      before.ignored !== after.ignored ||
      (reached && before.cameras !== after.cameras);
    this.updated = true;
    return { changed, edge, state: edge === 'cleared' ? { ...after, ignored: episodeIgnored } : after };
  }

  state(): CapState {
    return {
      maxCameras: this.maxCameras,
      reached: this.reached,
      cameras: this.cameras,
      ignored: this.reached ? this.ignoredIds.size : 0,
    };
  }
}
