import type { Config } from '../config/schema.js';
import { type Clock, isoTs } from '../shared/clock.js';
import type { CamgateEvents, EventBus } from '../shared/events.js';
import type { Log } from '../shared/log.js';
import type { CameraRecord } from '../shared/types.js';
import { InventoryRepo } from '../store/inventoryRepo.js';
import type { Store } from '../store/store.js';
import { staticCameras } from './staticCameras.js';

/** What a directory listener hears: a camera added or updated (`set`), or gone (`removed`). */
export type DirectoryChange =
  | { readonly type: 'set'; readonly camera: CameraRecord }
  | { readonly type: 'removed'; readonly camera: CameraRecord };

export type DirectoryListener = (change: DirectoryChange) => void;

/**
 * The site's cameras as the daemon knows them, held once: every wiring that needs "which cameras
 * are there" (streams, snapshots, recording, the status board) reads it here instead of keeping
 * its own copy of the inventory.
 */
export interface CameraDirectory {
  get(id: string): CameraRecord | undefined;
  /** Every camera, in the order they became known (static cameras first). */
  all(): CameraRecord[];
  readonly size: number;
  /** `listener` hears every later change, after the directory has applied it; returns an unsubscribe. */
  subscribe(listener: DirectoryListener): () => void;
}

export class LiveCameraDirectory implements CameraDirectory {
  private readonly cameras = new Map<string, CameraRecord>();
  private readonly listeners = new Set<DirectoryListener>();

  constructor(
    initial: Iterable<CameraRecord>,
    private readonly log: Log,
  ) {
    for (const camera of initial) this.cameras.set(camera.id, camera);
  }

  get(id: string): CameraRecord | undefined {
    return this.cameras.get(id);
  }

  all(): CameraRecord[] {
    return [...this.cameras.values()];
  }

  get size(): number {
    return this.cameras.size;
  }

  subscribe(listener: DirectoryListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * One discovery change. A replacement under a new id (another unit at the same address) is the
   * old camera removed and the new one set: nobody keeps watching or recording the old id.
   */
  apply(change: CamgateEvents['inventory.changed']): void {
    const { camera, previous } = change;
    if (change.type === 'camera.removed') {
      this.remove(camera);
      return;
    }
    if (change.type === 'camera.replaced' && previous && previous.id !== camera.id) this.remove(previous);
    this.cameras.set(camera.id, camera);
    this.notify({ type: 'set', camera });
  }

  private remove(camera: CameraRecord): void {
    const known = this.cameras.get(camera.id);
    if (!this.cameras.delete(camera.id)) return;
    this.notify({ type: 'removed', camera: known ?? camera });
  }

  /** A failing listener is logged and the others still hear the change (discovery must not fail on it). */
  private notify(change: DirectoryChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (err) {
        this.log.error(
          { err, cameraId: change.camera.id, change: change.type },
          'camera directory listener failed',
        );
      }
    }
  }
}

/**
 * The daemon's directory: static cameras from config, the inventory persisted by the last run
 * (so a restart watches, records and shows them before the first sweep ends), then every
 * `inventory.changed` discovery announces.
 */
export function openCameraDirectory(deps: {
  readonly config: Readonly<Pick<Config, 'cameras'>>;
  readonly clock: Clock;
  readonly log: Log;
  readonly bus: EventBus;
  readonly store: Store;
}): LiveCameraDirectory {
  const persisted = new InventoryRepo(deps.store.db).active();
  const directory = new LiveCameraDirectory(
    [...staticCameras(deps.config.cameras, isoTs(deps.clock.now())), ...persisted],
    deps.log.child({ module: 'cameras' }),
  );
  deps.bus.on('inventory.changed', (change) => directory.apply(change));
  return directory;
}
