import type { CameraRecord } from '../shared/types.js';
import type { Db } from './store.js';

export type InventoryChangeType = 'added' | 'replaced' | 'removed';

export interface InventoryChange {
  readonly type: InventoryChangeType;
  readonly camera: Pick<CameraRecord, 'id' | 'class' | 'serial' | 'model'>;
  readonly previous?: Pick<CameraRecord, 'id' | 'serial' | 'model'>;
  readonly atIso: string;
  readonly bootId: string;
}

/** kv key: when this database began recording inventory changes (ISO-8601); earlier ones are unknown. */
export const INVENTORY_CHANGES_SINCE_KEY = 'inventoryChanges.since';

/** The write side of `inventory_changes` (migration 005); `ReportRepo` reads it. */
export class InventoryChangeRepo {
  constructor(private readonly db: Db) {}

  /** Marks the start of tracking once; a later call keeps the first time. */
  markTrackingSince(atIso: string): void {
    this.db
      .prepare('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING')
      .run(INVENTORY_CHANGES_SINCE_KEY, atIso);
  }

  record(change: InventoryChange): void {
    const { camera, previous } = change;
    this.db
      .prepare(
        `INSERT INTO inventory_changes (camera_id, type, class, at, previous_camera_id, serial, previous_serial,
                                        model, previous_model, boot_id)
         VALUES (@cameraId, @type, @class, @at, @previousCameraId, @serial, @previousSerial, @model,
                 @previousModel, @bootId)`,
      )
      .run({
        cameraId: camera.id,
        type: change.type,
        class: camera.class,
        at: change.atIso,
        previousCameraId: previous && previous.id !== camera.id ? previous.id : null,
        serial: camera.serial ?? null,
        previousSerial: previous?.serial ?? null,
        model: camera.model ?? null,
        previousModel: previous?.model ?? null,
        bootId: change.bootId,
      });
  }
}
