import type { WhyDoc } from '../health/whyReport.js';
import { type CameraPictures, PICTURES_CSS, picturePairHtml } from '../report/acceptance/picturesHtml.js';
import { escapeXml as e } from '../report/render/svg.js';
import { redactText } from '../shared/redact.js';
import type { PictureEvidence } from './pictureWhy.js';

const CSS = `
body{font:13px/1.4 system-ui,sans-serif;color:#212121;margin:24px;max-width:1000px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:15px;margin:20px 0 6px}
pre{background:#f5f5f5;padding:8px;white-space:pre-wrap}
table{border-collapse:collapse}th,td{border-bottom:1px solid #e0e0e0;padding:3px 8px;text-align:left}
.ok{color:#2e7d32}.warn{color:#ef6c00}.fail{color:#c62828}
@media print{body{margin:10mm;max-width:none}}`;

const n = (v: number | undefined, digits: number): string => (v === undefined ? '-' : v.toFixed(digits));

/**
 * `camgate why CAMERA --html`: the why evidence (as `why` prints it), the picture measures of the
 * latest sample beside the reference's, and both pictures, in one page that opens offline (no
 * script, no network: the pictures are `data:` PNGs). Every text passes the log redaction, so an
 * `rtsp://user:pass@` in an ffmpeg line cannot reach the page.
 */
export function whyHtml(
  doc: WhyDoc,
  whyText: string,
  picture: PictureEvidence | undefined,
  pictures: CameraPictures | undefined,
  generatedAt: string,
): string {
  const t = (s: string): string => e(redactText(s));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>why ${t(doc.cameraId)}</title><style>${CSS}${PICTURES_CSS}</style></head><body>
<h1>Why · ${t(doc.cameraId)}</h1>
<p>generated ${t(generatedAt)} · from the ${doc.source === 'daemon' ? 'running daemon' : 'history database (daemon not running)'}</p>
<h2>Evidence</h2><pre>${t(whyText)}</pre>
${measuresTable(picture, doc.source)}
<h2>Pictures</h2>
${pictures ? picturePairHtml(doc.cameraId, pictures) : '<p class="warn">no pictures: the daemon is not running (the latest sample lives in its memory)</p>'}
</body></html>
`;
}

function measuresTable(p: PictureEvidence | undefined, source: WhyDoc['source']): string {
  if (!p)
    return `<h2>Picture measures</h2><p class="warn">${source === 'daemon' ? 'no picture checks from this daemon' : 'none: the measures live in the running daemon'}</p>`;
  const last = p.last;
  if (!last) return `<h2>Picture measures</h2><p>status ${e(p.status)}: no sample yet</p>`;
  const ref = p.references.find((r) => r.mode === last.mode);
  const m = last.measures;
  const row = (name: string, v: number, r: number | undefined, digits: number): string =>
    `<tr><td>${name}</td><td>${n(v, digits)}</td><td>${n(r, digits)}</td></tr>`;
  const refName = ref
    ? `${ref.mode} reference (${ref.source === 'acceptance' ? 'taken at handover' : 'learnt'} ${e(ref.learntAt)})`
    : `no ${last.mode} reference yet`;
  const cls = p.reasons.length > 0 ? 'fail' : 'ok';
  return `<h2>Picture measures</h2>
<p class="${cls}">picture ${e(p.status)}${p.reasons.length ? ` (${e(p.reasons.join(', '))})` : ''} · last sample ${e(last.at)} (${last.mode}): ${e(last.reasons.join(', ') || 'nothing wrong')}</p>
<table><thead><tr><th>measure</th><th>latest sample</th><th>${refName}</th></tr></thead><tbody>
${row('mean luma', m.meanLuma, ref?.meanLuma, 1)}${row('contrast', m.contrast, ref?.contrast, 1)}${row('sharpness', m.sharpness, ref?.sharpness, 2)}
<tr><td>view correlation</td><td colspan="2">${last.correlation === undefined ? 'n/a' : n(last.correlation, 2)}</td></tr>
<tr><td>unchanged since previous</td><td colspan="2">${last.unchanged === undefined ? 'n/a' : `${Math.round(last.unchanged * 100)}%`}</td></tr>
</tbody></table>`;
}
