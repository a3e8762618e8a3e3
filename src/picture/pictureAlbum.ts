import {
  assessSample,
  learnReference,
  modeOf,
  type PictureMode,
  type PictureReason,
  type PictureReference,
} from './assess.js';
import { measure, type PictureMeasures, THUMB_HEIGHT, THUMB_WIDTH, type Thumbnail } from './measures.js';
import type { PictureRules } from './pictureMachine.js';
import type { PictureStore } from './pictureService.js';

/** Where a reference came from: taken at handover (`camgate acceptance`) or learnt from good samples. */
export type ReferenceSource = 'acceptance' | 'learnt';

/** One thumbnail as the control API carries it: raw yuv420p, base64. */
export interface PictureImage {
  readonly width: number;
  readonly height: number;
  readonly yuv420pBase64: string;
}

/** Answer of `GET /picture/:camera/pictures`: the latest sample and each reference, as thumbnails. */
export interface PicturePictures {
  readonly cameraId: string;
  readonly latest: (PictureImage & { readonly at: string }) | null;
  readonly references: readonly (PictureImage & {
    readonly mode: PictureMode;
    readonly source: ReferenceSource;
    readonly takenAt: string;
  })[];
  /** References learnt before their thumbnails were kept (migration 008): no picture to show. */
  readonly referencesWithoutPicture: readonly PictureMode[];
}

/** Answer of `POST /picture/reference` (`camgate acceptance`). */
export type ReferenceTaken =
  | {
      readonly cameraId: string;
      readonly taken: true;
      readonly mode: PictureMode;
      readonly takenAt: string;
      readonly measures: Omit<PictureMeasures, 'grid'>;
    }
  | {
      readonly cameraId: string;
      readonly taken: false;
      /** Why not, one line (a bad picture, checks disabled). */
      readonly reason: string;
      readonly reasons: readonly PictureReason[];
      readonly measures?: Omit<PictureMeasures, 'grid'>;
    };

/** The store plus the thumbnails of references (store/pictureRepo.ts, migration 008). */
export interface AlbumStore extends PictureStore {
  setPicture(cameraId: string, mode: PictureMode, source: ReferenceSource, thumbnail: Uint8Array): void;
}

/**
 * The latest sampled thumbnail of each camera, in the daemon's memory: one per camera (13.8 kB;
 * 3.5 MB for 256 cameras), replaced at every sample, never written to disk. It is worth showing
 * only while the daemon samples (a stale one from before a restart would mislead), and writing
 * every sample to SQLite would cost the NVR's disk a write per camera per interval for nothing.
 */
export class PictureAlbum {
  private readonly latest = new Map<string, { at: string; raw: Buffer }>();

  constructor(private readonly cameraIds: () => ReadonlySet<string>) {}

  record(cameraId: string, thumbnail: Thumbnail, atIso: string): void {
    this.latest.set(cameraId, { at: atIso, raw: rawOf(thumbnail) });
    // Cameras that left the directory leave the album: bounded by the site's cameras.
    const present = this.cameraIds();
    if (this.latest.size > present.size)
      for (const id of this.latest.keys()) if (!present.has(id)) this.latest.delete(id);
  }

  latestOf(cameraId: string): { at: string; raw: Buffer } | undefined {
    return this.latest.get(cameraId);
  }

  /**
   * The store the picture service writes through: a learnt reference keeps the thumbnail of the
   * sample that completed it (the service saves a reference right after that sample came in).
   */
  storeFor(inner: AlbumStore): PictureStore {
    return {
      references: (id) => inner.references(id),
      clearReferences: (id) => inner.clearReferences(id),
      degraded: (id, reasons, at) => inner.degraded(id, reasons, at),
      ok: (id, at) => inner.ok(id, at),
      resume: (id, at) => inner.resume?.(id, at),
      saveReference: (id, ref) => {
        inner.saveReference(id, ref);
        // `camgate acceptance` saves through here too, then marks the row with its own picture.
        const last = this.latest.get(id);
        if (last) inner.setPicture(id, ref.mode, 'learnt', last.raw);
      },
    };
  }
}

/** The raw yuv420p bytes of a thumbnail (its planes are views of ffmpeg's output). */
export function rawOf(t: Thumbnail): Buffer {
  return Buffer.concat([t.y, t.u, t.v]);
}

export function imageOf(raw: Uint8Array): PictureImage {
  return { width: THUMB_WIDTH, height: THUMB_HEIGHT, yuv420pBase64: Buffer.from(raw).toString('base64') };
}

/**
 * Pure: the reference one handover picture makes, or why it must not become one. Only the checks
 * that need no reference apply (dark, covered): a camera whose picture is black or covered at
 * handover would otherwise teach the checks that black is normal.
 */
export function referenceFrom(
  thumbnail: Thumbnail,
  rules: PictureRules,
  atIso: string,
):
  | { ok: true; ref: PictureReference; measures: PictureMeasures }
  | { ok: false; reasons: PictureReason[]; measures: PictureMeasures } {
  const measures = measure(thumbnail);
  const reasons = assessSample(
    { measures, reference: undefined, unchanged: undefined, streamAdvancing: true },
    rules,
  );
  if (reasons.length > 0) return { ok: false, reasons, measures };
  return { ok: true, ref: learnReference(modeOf(measures, rules), [measures], atIso), measures };
}
