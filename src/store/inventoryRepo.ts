import type { StoredCamera } from '../discovery/inventory.js';
import type { CameraRecord } from '../shared/types.js';
import type { Db } from './store.js';

interface Row {
  record_json: string;
  missed_sweeps: number;
  removed_at: string | null;
}

/** The `cameras` table (migration 001): one row per camera id, the full record as JSON plus indexed columns. */
export class InventoryRepo {
  constructor(private readonly db: Db) {}

  all(): StoredCamera[] {
    const rows = this.db
      .prepare('SELECT record_json, missed_sweeps, removed_at FROM cameras ORDER BY id')
      .all() as Row[];
    return rows.map((r) => ({
      record: JSON.parse(r.record_json) as CameraRecord,
      missedSweeps: r.missed_sweeps,
      removed: r.removed_at !== null,
    }));
  }

  active(): CameraRecord[] {
    return this.all()
      .filter((c) => !c.removed)
      .map((c) => c.record);
  }

  /**
   * Forgets cameras removed before `beforeIso` (their history rows stay). A Hello flood's junk
   * devices and long-gone cameras must not grow the table for ever; one that comes back is added anew.
   */
  pruneRemoved(beforeIso: string): number {
    return this.db
      .prepare('DELETE FROM cameras WHERE removed_at IS NOT NULL AND removed_at < ?')
      .run(beforeIso).changes;
  }

  /** Writes a whole reconciled inventory in one transaction. */
  saveAll(cameras: readonly StoredCamera[], nowIso: string): void {
    const upsert = this.db.prepare(
      `INSERT INTO cameras (id, address, source, endpoint_ref, manufacturer, model, serial, mac, class, record_json,
                            first_seen_at, last_seen_at, missed_sweeps, removed_at)
       VALUES (@id, @address, @source, @endpointRef, @manufacturer, @model, @serial, @mac, @class, @json,
               @firstSeenAt, @lastSeenAt, @missedSweeps, @removedAt)
       ON CONFLICT(id) DO UPDATE SET address = excluded.address, source = excluded.source,
         endpoint_ref = excluded.endpoint_ref, manufacturer = excluded.manufacturer, model = excluded.model,
         serial = excluded.serial, mac = excluded.mac, class = excluded.class, record_json = excluded.record_json,
         last_seen_at = excluded.last_seen_at, missed_sweeps = excluded.missed_sweeps,
         removed_at = CASE WHEN excluded.removed_at IS NULL THEN NULL ELSE COALESCE(cameras.removed_at, excluded.removed_at) END`,
    );
    const write = this.db.transaction((list: readonly StoredCamera[]) => {
      for (const c of list) {
        const r = c.record;
        upsert.run({
          id: r.id,
          address: r.address,
          source: r.source,
          endpointRef: r.endpointRef ?? null,
          manufacturer: r.manufacturer ?? null,
          model: r.model ?? null,
          serial: r.serial ?? null,
          mac: r.mac ?? null,
          class: r.class,
          json: JSON.stringify(r),
          firstSeenAt: r.firstSeenAt,
          lastSeenAt: r.lastSeenAt,
          missedSweeps: c.missedSweeps,
          removedAt: c.removed ? nowIso : null,
        });
      }
    });
    write(cameras);
  }
}
