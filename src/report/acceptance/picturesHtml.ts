import type { PictureMode } from '../../picture/assess.js';
import type { ReferenceSource } from '../../picture/pictureAlbum.js';
import { escapeXml as e } from '../render/svg.js';

/** One camera's picture-check thumbnails as `data:` PNGs for a self-contained page, or why none. */
export interface CameraPictures {
  readonly latest: { readonly at: string; readonly dataUri: string } | null;
  readonly references: readonly {
    readonly mode: PictureMode;
    readonly source: ReferenceSource;
    readonly takenAt: string;
    readonly dataUri: string;
  }[];
  /** References learnt before their thumbnails were kept: there, but no picture to show. */
  readonly referencesWithoutPicture: readonly PictureMode[];
  /** Why there are no pictures at all (daemon without the route, ffmpeg failed). */
  readonly error?: string;
}

/** Styles for `picturePairHtml` (the acceptance sheet and the `why --html` page both include them). */
export const PICTURES_CSS = `
.pair{display:flex;gap:10px;flex-wrap:wrap;margin:4px 0 12px;break-inside:avoid}
.pair figure{margin:0}.pair img{width:256px;height:144px;border:1px solid #bdbdbd;display:block}
.pair figcaption{font-size:11px;max-width:256px}`;

const sourceText = (s: string): string => (s === 'acceptance' ? 'taken at handover' : 'learnt');

/**
 * The latest picture-check sample beside the camera's reference(s), as embedded PNGs (128×72
 * thumbnails, shown at twice their size): one look says whether the camera still sees what it saw
 * when the reference was made.
 */
export function picturePairHtml(cameraId: string, p: CameraPictures | undefined): string {
  if (!p) return '';
  if (p.error) return `<p class="warn">${e(cameraId)}: no picture-check pictures (${e(p.error)})</p>`;
  const figs: string[] = [];
  figs.push(
    p.latest
      ? `<figure><img src="${p.latest.dataUri}" alt="${e(cameraId)} latest sample"><figcaption>latest sample · ${e(p.latest.at)}</figcaption></figure>`
      : '<figure><figcaption>no sample since the daemon started</figcaption></figure>',
  );
  for (const r of p.references)
    figs.push(
      `<figure><img src="${r.dataUri}" alt="${e(cameraId)} ${r.mode} reference"><figcaption>${r.mode} reference · ${sourceText(r.source)} ${e(r.takenAt)}</figcaption></figure>`,
    );
  for (const mode of p.referencesWithoutPicture)
    figs.push(
      `<figure><figcaption>${mode} reference learnt before pictures were kept: no picture</figcaption></figure>`,
    );
  if (p.references.length === 0 && p.referencesWithoutPicture.length === 0)
    figs.push('<figure><figcaption>no reference yet</figcaption></figure>');
  return `<div class="pair">${figs.join('')}</div>`;
}
