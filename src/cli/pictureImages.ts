import { THUMB_HEIGHT, THUMB_WIDTH } from '../picture/measures.js';
import type { PicturePictures } from '../picture/pictureAlbum.js';
import type { CameraPictures } from '../report/acceptance/picturesHtml.js';
import type { Clock } from '../shared/clock.js';
import { errorMessage } from '../shared/errors.js';
import { thumbnailsToPng } from '../streams/ffmpeg/thumbnailPng.js';
import { controlRequest } from './controlClient.js';

const PNG_TIMEOUT_MS = 60_000;

/**
 * Asks the running daemon for each camera's latest sample and references (raw 128×72 yuv420p) and
 * turns them all into PNGs in one ffmpeg run. Never throws for one camera: its entry says why.
 */
export async function fetchCameraPictures(
  deps: { socket: string; clock: Clock },
  cameraIds: readonly string[],
): Promise<Map<string, CameraPictures>> {
  const answers = new Map<string, PicturePictures | { error: string }>();
  for (const id of cameraIds) {
    try {
      const doc = (await controlRequest(
        deps.socket,
        'GET',
        `/picture/${encodeURIComponent(id)}/pictures`,
      )) as PicturePictures;
      answers.set(id, doc);
    } catch (err) {
      const msg = errorMessage(err);
      // A daemon from before the pictures were served answers "no route".
      answers.set(id, {
        error: /^no route/.test(msg) ? 'this daemon does not serve pictures (upgrade it)' : msg,
      });
    }
  }
  const raws: Buffer[] = [];
  for (const a of answers.values()) {
    if ('error' in a) continue;
    if (a.latest) raws.push(Buffer.from(a.latest.yuv420pBase64, 'base64'));
    for (const r of a.references) raws.push(Buffer.from(r.yuv420pBase64, 'base64'));
  }
  let pngs: Buffer[] = [];
  let pngError: string | undefined;
  try {
    pngs = await thumbnailsToPng({ clock: deps.clock }, raws, {
      width: THUMB_WIDTH,
      height: THUMB_HEIGHT,
      timeoutMs: PNG_TIMEOUT_MS,
    });
  } catch (err) {
    pngError = `pictures could not be made: ${errorMessage(err)}`;
  }
  const out = new Map<string, CameraPictures>();
  let next = 0;
  const uri = (): string => `data:image/png;base64,${(pngs[next++] ?? Buffer.alloc(0)).toString('base64')}`;
  for (const [id, a] of answers) {
    if ('error' in a || pngError) {
      out.set(id, {
        latest: null,
        references: [],
        referencesWithoutPicture: [],
        error: 'error' in a ? a.error : pngError,
      });
      continue;
    }
    out.set(id, {
      latest: a.latest ? { at: a.latest.at, dataUri: uri() } : null,
      references: a.references.map((r) => ({
        mode: r.mode,
        source: r.source,
        takenAt: r.takenAt,
        dataUri: uri(),
      })),
      referencesWithoutPicture: a.referencesWithoutPicture,
    });
  }
  return out;
}
