import { CAMERA_CLASSES } from '../../shared/types.js';
import { pctText } from '../render/format.js';
import { escapeXml as e } from '../render/svg.js';
import type { AcceptanceCamera, AcceptanceDoc } from './acceptance.js';
import { type CameraPictures, PICTURES_CSS, picturePairHtml } from './picturesHtml.js';

const CSS = `
body{font:13px/1.4 system-ui,sans-serif;color:#212121;margin:24px;max-width:1100px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:15px;margin:20px 0 6px}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #e0e0e0;padding:3px 6px;text-align:left}
.verdict{font-size:16px;font-weight:bold;padding:6px 10px;display:inline-block;border:2px solid}
.accepted{color:#2e7d32;border-color:#2e7d32}.open{color:#c62828;border-color:#c62828}
.ok{color:#2e7d32}.warn{color:#ef6c00}.fail{color:#c62828}
.pics{display:grid;grid-template-columns:repeat(3,1fr);gap:10px}.pics figure{margin:0;break-inside:avoid}
.pics img{width:100%;height:auto;border:1px solid #bdbdbd}.pics figcaption{font-size:11px}
.sign{display:grid;grid-template-columns:1fr 1fr;gap:40px;margin-top:40px}.sign div{border-top:1px solid #000;padding-top:4px}
@media print{body{margin:10mm;max-width:none}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}tr{break-inside:avoid}}`;

/** The handover sheet as one printable page with signature lines; no script, no network. */
export function acceptanceHtml(
  doc: AcceptanceDoc,
  checkPictures?: ReadonlyMap<string, CameraPictures>,
): string {
  const verdict = doc.accepted
    ? '<p class="verdict accepted">ACCEPTED</p>'
    : `<p class="verdict open">NOT ACCEPTED: ${doc.openItems.length} open item(s)</p>`;
  const items = doc.openItems.length
    ? `<h2>Open items</h2><ul>${doc.openItems.map((i) => `<li>${e(i)}</li>`).join('')}</ul>`
    : '';
  const classes = CAMERA_CLASSES.map((k) => {
    const c = doc.classes[k];
    return `<tr><td>${k}</td><td>${c.planned ?? '-'}</td><td>${c.installed}</td><td>${c.missing ?? '-'}</td><td>${c.integrated ?? 'unknown'}</td></tr>`;
  }).join('');
  const cams = doc.cameras
    .map(
      (c) =>
        `<tr><td>${e(c.id)}</td><td>${c.class}</td><td>${e(c.address)}</td><td>${e([c.manufacturer, c.model].filter(Boolean).join(' ') || '-')}</td><td>${e(c.serial ?? '-')}</td><td>${e(c.mac ?? '-')}</td><td>${e(c.status)}</td><td>${c.integrated === null ? 'unknown' : c.integrated ? 'yes' : `no (${e(c.cause ?? '')})`}</td><td>${e(c.stream ?? '-')}</td><td>${e(c.recording ?? '-')}</td><td>${pctText(c.uptimePct)}</td><td>${c.outages}</td></tr>`,
    )
    .join('');
  const pictures = doc.cameras
    .filter((c) => c.snapshot !== null)
    .map((c) => {
      const shot = c.snapshot;
      if (!shot) return '';
      const body =
        'file' in shot
          ? `<img src="${e(shot.file)}" alt="${e(c.id)}">`
          : `<p class="fail">no picture: ${e(shot.error)}</p>`;
      return `<figure>${body}<figcaption>${e(c.id)} · ${c.class} · ${e(c.address)}</figcaption></figure>`;
    })
    .join('');
  const pics = pictures ? `<h2>Pictures</h2><div class="pics">${pictures}</div>` : '';
  const checks = doc.checks
    .map(
      (c) => `<tr><td>${e(c.name)}</td><td class="${c.status}">${c.status}</td><td>${e(c.detail)}</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Site handover · ${e(doc.site.id)}</title><style>${CSS}${PICTURES_CSS}</style></head><body>
<h1>Site handover · ${e(doc.site.name || doc.site.id)}</h1>
<p>site <b>${e(doc.site.id)}</b> · gateway ${e(doc.gatewayId)} · camgate ${e(doc.version)} · generated ${e(doc.generatedAt)} · observed ${e(doc.period.from)} – ${e(doc.period.to)}</p>
${verdict}${items}
<h2>Cameras per class</h2><table><thead><tr><th>class</th><th>planned</th><th>installed</th><th>missing</th><th>integrated now</th></tr></thead><tbody>${classes}</tbody></table>
<h2>Cameras</h2><table><thead><tr><th>id</th><th>class</th><th>address</th><th>device</th><th>serial</th><th>MAC</th><th>status</th><th>integrated</th><th>stream</th><th>recording</th><th>uptime</th><th>outages</th></tr></thead><tbody>${cams}</tbody></table>
${pics}
${pictureChecks(doc, checkPictures)}
<h2>Gateway checks</h2><table><thead><tr><th>check</th><th>status</th><th>detail</th></tr></thead><tbody>${checks}</tbody></table>
<div class="sign"><div>Installer (name, signature, date)</div><div>Site owner (name, signature, date)</div></div>
</body></html>
`;
}

/**
 * Issue #17: which cameras got a picture reference at handover and which did not (and why), each
 * with its latest picture-check sample beside the reference the checks compare with.
 */
function pictureChecks(
  doc: AcceptanceDoc,
  pictures: ReadonlyMap<string, CameraPictures> | undefined,
): string {
  const rows = doc.cameras.filter((c) => c.pictureReference !== null || pictures?.has(c.id));
  if (rows.length === 0) return '';
  const body = rows
    .map((c) => `<h3>${e(c.id)}</h3><p>${referenceLine(c)}</p>${picturePairHtml(c.id, pictures?.get(c.id))}`)
    .join('');
  return `<h2>Picture checks: references and latest samples</h2>${body}`;
}

export function referenceText(c: AcceptanceCamera): string {
  const r = c.pictureReference;
  if (!r) return 'picture reference: not asked (no daemon)';
  if (r.status === 'taken') return `picture reference taken at handover (${r.mode}) ${r.takenAt}`;
  if (r.status === 'kept') return `picture reference kept (${r.reason})`;
  return `picture reference NOT taken: ${r.reason}`;
}

function referenceLine(c: AcceptanceCamera): string {
  const r = c.pictureReference;
  const cls =
    !r || r.status === 'kept'
      ? ''
      : r.status === 'taken'
        ? 'ok'
        : r.status === 'unavailable'
          ? 'warn'
          : 'fail';
  return `<span class="${cls}">${e(referenceText(c))}</span>`;
}
