import type { PictureConfig } from '../config/pictureSchema.js';
import type { Thumbnail } from '../picture/measures.js';
import {
  imageOf,
  type PictureAlbum,
  type PicturePictures,
  type ReferenceTaken,
  rawOf,
  referenceFrom,
} from '../picture/pictureAlbum.js';
import type { PictureService } from '../picture/pictureService.js';
import { rulesFor } from '../picture/rules.js';
import { isoTs } from '../shared/clock.js';
import { errorMessage } from '../shared/errors.js';
import { redactText } from '../shared/redact.js';
import type { CameraRecord } from '../shared/types.js';
import type { PictureRepo } from '../store/pictureRepo.js';
import { NotFoundError } from './control.js';
import type { WiringContext } from './modules.js';

export interface PictureAlbumRouteDeps {
  readonly ctx: Pick<WiringContext, 'control' | 'cameras' | 'clock'>;
  readonly config: PictureConfig;
  readonly album: PictureAlbum;
  readonly repo: PictureRepo;
  readonly service: PictureService;
  /** One thumbnail now, outside the schedule (the same sources as the checks). */
  readonly sampleNow: (camera: CameraRecord) => Promise<Thumbnail>;
}

/**
 * `GET /picture/:camera/pictures`: the latest sample and the references as thumbnails (the
 * acceptance pack and `camgate why --html` show them). `POST /picture/reference`: `camgate
 * acceptance` takes the camera's picture now as its reference, unless the picture is itself bad.
 */
export function routePictureAlbum(d: PictureAlbumRouteDeps): void {
  const { control, cameras, clock } = d.ctx;
  const cameraOf = (id: unknown): CameraRecord => {
    if (typeof id !== 'string') throw new NotFoundError('needs {"camera": "<id>"}');
    const camera = cameras.get(id);
    if (!camera) throw new NotFoundError(`unknown camera ${id}`);
    return camera;
  };
  control.route('GET', '/picture/:camera/pictures', (req): PicturePictures => {
    const { id } = cameraOf(req.params.camera);
    const latest = d.album.latestOf(id);
    const rows = d.repo.pictures(id);
    return {
      cameraId: id,
      latest: latest ? { at: latest.at, ...imageOf(latest.raw) } : null,
      references: rows.flatMap((r) =>
        r.thumbnail ? [{ mode: r.mode, source: r.source, takenAt: r.takenAt, ...imageOf(r.thumbnail) }] : [],
      ),
      referencesWithoutPicture: rows.filter((r) => !r.thumbnail).map((r) => r.mode),
    };
  });
  control.route('POST', '/picture/reference', async (req): Promise<ReferenceTaken> => {
    const camera = cameraOf((req.body as { camera?: unknown } | undefined)?.camera);
    const cameraId = camera.id;
    const no = (reason: string): ReferenceTaken => ({ cameraId, taken: false, reason, reasons: [] });
    if (!d.config.enabled) return no('picture checks disabled (picture.enabled: false)');
    let thumbnail: Thumbnail;
    try {
      thumbnail = await d.sampleNow(camera);
    } catch (err) {
      return no(`no picture: ${redactText(errorMessage(err))}`);
    }
    const takenAt = isoTs(clock.now());
    const r = referenceFrom(thumbnail, rulesFor(d.config, camera.class), takenAt);
    const { grid: _grid, ...measures } = r.measures;
    if (!r.ok) {
      const m = `mean luma ${measures.meanLuma.toFixed(1)}, contrast ${measures.contrast.toFixed(1)}`;
      const reason = `picture bad at handover (${r.reasons.join(', ')}; ${m}): not taken as the reference`;
      return { cameraId, taken: false, reason, reasons: r.reasons, measures };
    }
    d.service.adoptReference(cameraId, r.ref);
    d.repo.setPicture(cameraId, r.ref.mode, 'acceptance', rawOf(thumbnail));
    return { cameraId, taken: true, mode: r.ref.mode, takenAt, measures };
  });
}
