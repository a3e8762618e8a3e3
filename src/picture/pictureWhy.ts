import type { PictureMode, PictureReference } from './assess.js';
import type { ReferenceSource } from './pictureAlbum.js';
import type { PictureLastSample } from './pictureMachine.js';

/**
 * Where a sample came from: the ONVIF snapshot URI, a keyframe of the RTSP session the daemon
 * already keeps on the camera, or an ffmpeg of the check's own on the sub-stream.
 */
export type PictureSource = 'snapshot' | 'session' | 'ffmpeg';

const SOURCE_TEXT: Record<PictureSource, string> = {
  snapshot: 'from the ONVIF snapshot URI',
  session: "from the daemon's own RTSP session",
  ffmpeg: 'from the sub-stream (an ffmpeg of its own)',
};

/** Answer of `GET /picture/:camera` (wirePicture.ts): what `camgate why` shows of the picture. */
export interface PictureEvidence {
  readonly cameraId: string;
  readonly enabled: boolean;
  readonly intervalMinutes: number;
  readonly status: string;
  readonly reasons: readonly string[];
  readonly checkedAt: string | null;
  readonly last: PictureLastSample | null;
  readonly lastError: string | null;
  readonly references: readonly (Omit<PictureReference, 'grid'> & { readonly source?: ReferenceSource })[];
  /** When the latest sample's thumbnail was taken (kept in the daemon's memory); absent from older daemons. */
  readonly latestAt?: string | null;
  /** Where the latest sample came from; absent from older daemons. */
  readonly latestSource?: PictureSource | null;
}

const f = (n: number | undefined, digits = 1): string => (n === undefined ? '?' : n.toFixed(digits));

/** The picture lines of `camgate why`: verdict, the last sample's measures beside its reference. */
export function renderPictureEvidence(p: PictureEvidence): string[] {
  if (!p.enabled) return ['  picture: checks disabled (picture.enabled: false)'];
  const reasons = p.reasons.length > 0 ? ` (${p.reasons.join(', ')})` : '';
  const lines = [
    `  picture: ${p.status}${reasons}, checked ${p.checkedAt ?? 'never'} (every ${p.intervalMinutes} min)`,
  ];
  if (p.lastError) lines.push(`    last sample failed: ${p.lastError}`);
  const last = p.last;
  if (last) {
    const ref = p.references.find((r) => r.mode === last.mode);
    const m = last.measures;
    const vs = (v: number, r: number | undefined, digits = 1): string =>
      r === undefined ? f(v, digits) : `${f(v, digits)} (reference ${f(r, digits)})`;
    const from = p.latestSource ? ` ${SOURCE_TEXT[p.latestSource]}` : '';
    lines.push(
      `    last sample (${last.mode})${from}: ${last.reasons.length ? last.reasons.join(', ') : 'nothing wrong'}`,
      `    mean luma ${vs(m.meanLuma, ref?.meanLuma)}, contrast ${vs(m.contrast, ref?.contrast)}, sharpness ${vs(m.sharpness, ref?.sharpness, 2)}`,
      `    view correlation ${last.correlation === undefined ? 'n/a' : f(last.correlation, 2)}, unchanged between the check's grabs ${last.unchanged === undefined ? 'n/a' : `${Math.round(last.unchanged * 100)}%`}`,
    );
  }
  const modes: PictureMode[] = ['day', 'night'];
  const refs = modes.map((mode) => {
    const r = p.references.find((x) => x.mode === mode);
    if (!r) return `${mode} not learnt yet`;
    return r.source === 'acceptance'
      ? `${mode} taken at handover (camgate acceptance) ${r.learntAt}`
      : `${mode} learnt ${r.learntAt} from ${r.samples} samples`;
  });
  lines.push(`    references: ${refs.join('; ')}`, `    ${picturesLine(p)}`);
  return lines;
}

/** Where the pictures are: `why --html` shows the latest sample beside the reference. */
function picturesLine(p: PictureEvidence): string {
  const html = `camgate why ${p.cameraId} --html`;
  const latest = p.latestAt ? `the latest sample (${p.latestAt})` : undefined;
  if (p.references.length === 0)
    return latest
      ? `pictures: no reference yet; ${latest} as a picture: ${html}`
      : 'pictures: no reference yet and no sample since the daemon started';
  return latest
    ? `pictures: ${latest} beside the reference: ${html}`
    : `pictures: the reference (no sample since the daemon started): ${html}`;
}
