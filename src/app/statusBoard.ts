import type { CameraStatusRow } from '../shared/types.js';

/**
 * What `camgate status` shows: the daemon's live view, assembled by the wiring in `app/`.
 * Each module's wiring updates camera rows and its own named section; the board never does I/O.
 */
export class StatusBoard {
  private readonly cameras = new Map<string, CameraStatusRow>();
  private readonly sections = new Map<string, () => unknown>();
  /**
   * Camera ids in display order, sorted again only when a camera joins or leaves. Every state
   * change of one camera (a row patch) reads the whole board for the MQTT summary: sorting 1,024
   * rows with localeCompare each time made a mass stall take 15 s to persist (#14).
   */
  private order: string[] | undefined;

  upsertCamera(row: CameraStatusRow): void {
    if (!this.cameras.has(row.cameraId)) this.order = undefined;
    this.cameras.set(row.cameraId, row);
  }

  patchCamera(
    cameraId: string,
    patch: Partial<Omit<CameraStatusRow, 'cameraId'>>,
  ): CameraStatusRow | undefined {
    const row = this.cameras.get(cameraId);
    if (!row) return undefined;
    const next = { ...row, ...patch };
    this.cameras.set(cameraId, next);
    return next;
  }

  removeCamera(cameraId: string): void {
    if (this.cameras.delete(cameraId)) this.order = undefined;
  }

  camera(cameraId: string): CameraStatusRow | undefined {
    return this.cameras.get(cameraId);
  }

  allCameras(): CameraStatusRow[] {
    this.order ??= [...this.cameras.keys()].sort((a, b) => a.localeCompare(b));
    const rows: CameraStatusRow[] = [];
    for (const id of this.order) {
      const row = this.cameras.get(id);
      if (row) rows.push(row);
    }
    return rows;
  }

  /** A module's own part of the status document (e.g. `uplink`, `discovery`). */
  section(name: string, read: () => unknown): void {
    this.sections.set(name, read);
  }

  sectionsSnapshot(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, read] of this.sections) out[name] = read();
    return out;
  }
}
