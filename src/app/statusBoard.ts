import type { CameraStatusRow } from '../shared/types.js';

/**
 * What `camgate status` shows: the daemon's live view, assembled by the wiring in `app/`.
 * Each module's wiring updates camera rows and its own named section; the board never does I/O.
 */
export class StatusBoard {
  private readonly cameras = new Map<string, CameraStatusRow>();
  private readonly sections = new Map<string, () => unknown>();

  upsertCamera(row: CameraStatusRow): void {
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
    this.cameras.delete(cameraId);
  }

  camera(cameraId: string): CameraStatusRow | undefined {
    return this.cameras.get(cameraId);
  }

  allCameras(): CameraStatusRow[] {
    return [...this.cameras.values()].sort((a, b) => a.cameraId.localeCompare(b.cameraId));
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
