import { CAMERA_CLASSES } from '../../shared/types.js';
import type { Report } from '../model.js';
import {
  durationText,
  isoOf,
  lprNoReadsText,
  pctText,
  pictureText,
  uplinkCauseNotes,
  uplinkText,
} from './format.js';
import { classChartSvg, escapeXml, STATE_FILL, svgDefs, timelineSvg } from './svg.js';

const CSS = `
body{font:14px/1.4 system-ui,sans-serif;color:#212121;margin:24px;max-width:1100px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
.meta{color:#616161}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #e0e0e0;padding:4px 8px;text-align:left;vertical-align:middle}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.tl{width:45%}
svg.chart-classes{max-width:640px;display:block}
.legend span{display:inline-block;margin-right:14px}
.legend svg{vertical-align:middle;margin-right:4px}
.note{color:#616161;font-size:12px}
@media print{
 body{margin:10mm;font-size:11px;max-width:none}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 tr,svg.chart-classes{break-inside:avoid}
 h2{break-after:avoid}
}`;

/** One self-contained page: inline CSS and SVG, no script, no network; prints on A4. */
export function reportHtml(report: Report): string {
  const title = `Camera uptime report · ${report.site.name || report.site.id}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${CSS}</style></head>
<body>${svgDefs()}
<h1>${escapeXml(title)}</h1>
<p class="meta">site <b>${escapeXml(report.site.id)}</b> · ${isoOf(report.window.fromMs)} – ${isoOf(report.window.toMs)} · generated ${isoOf(report.generatedMs)}</p>
<h2>Summary by class</h2>
${summaryTable(report)}
${classChartSvg(report)}
<p class="uplink">${escapeXml(uplinkText(report.uplink))}</p>
${uplinkCauseNotes(report.uplink)
  .map((n) => `<p class="note">${escapeXml(n)}</p>`)
  .join('')}
<h2>Cameras</h2>
${legend()}
${cameraTable(report)}
<p class="note">Uptime and integrated % = up / (up + down). Time before a camera was first seen, maintenance windows
and time when no camgate daemon was running (reboot gaps, shown hatched) are left out of both. Integrated needs stream,
recording (where enabled) and uplink all healthy: an outage of the site's uplink counts against every camera. Longest outage is clipped to the window; MTTR is the mean duration
of outages restored in the window. Replaced = devices swapped under a camera id (new serial or MAC) or at its
address, counted in the window. Picture degraded = time the sampled picture checks held the camera dark, covered,
blurred, turned or frozen (by reason): it counts as not integrated, as the daemon reports it live. LPR no reads = time
an LPR camera read no plates when it normally does: degraded, but still integrated. Replaced cameras: ${escapeXml(report.replaced.note)}.</p>
</body></html>
`;
}

function summaryTable(report: Report): string {
  const rows = [
    ...CAMERA_CLASSES.map((k) => [k, report.classes[k]] as const),
    ['all', report.total] as const,
  ].map(
    ([name, g]) =>
      `<tr><td>${name}</td><td class="num">${g.planned ?? '-'}</td><td class="num">${g.installed}</td><td class="num">${g.missing ?? '-'}</td><td class="num">${pctText(g.uptimePct)}</td><td class="num">${pctText(g.integratedPct)}</td><td class="num">${pctText(g.recordingPct)}</td><td class="num">${g.outageCount}</td><td class="num">${g.restoredCameras}</td><td class="num">${g.replaced ?? '-'}</td></tr>`,
  );
  return `<table class="summary"><thead><tr><th>class</th><th class="num">planned</th><th class="num">installed</th><th class="num">missing</th><th class="num">uptime</th><th class="num">integrated</th><th class="num">recording</th><th class="num">outages</th><th class="num">restored</th><th class="num">replaced</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function cameraTable(report: Report): string {
  if (report.cameras.length === 0) return '<p>No cameras in the inventory for this window.</p>';
  const rows = report.cameras.map(
    (c) =>
      `<tr><td>${escapeXml(c.id)}</td><td>${c.class}</td><td class="num">${pctText(c.uptime.pct)}</td><td class="num">${pctText(c.integrated.pct)}</td><td class="num">${pctText(c.recording?.pct ?? null)}</td><td class="num">${c.outageCount}</td><td class="num">${durationText(c.longestOutageMs)}</td><td class="num">${durationText(c.mttrMs)}</td><td>${c.restored ? 'yes' : ''}</td><td class="num">${c.replaced ?? '-'}</td><td>${escapeXml(pictureText(c.picture))}</td><td class="num">${lprNoReadsText(c, report.total.lprNoReadsMs !== null)}</td><td class="tl">${timelineSvg(c, report.window)}</td></tr>`,
  );
  return `<table class="cameras"><thead><tr><th>camera</th><th>class</th><th class="num">uptime</th><th class="num">integrated</th><th class="num">recording</th><th class="num">outages</th><th class="num">longest</th><th class="num">MTTR</th><th>restored</th><th class="num">replaced</th><th>picture degraded</th><th class="num">LPR no reads</th><th>timeline</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function legend(): string {
  const items = (Object.keys(STATE_FILL) as (keyof typeof STATE_FILL)[]).map(
    (s) =>
      `<span><svg width="14" height="10"><rect width="14" height="10" fill="${STATE_FILL[s]}" stroke="#9e9e9e"/></svg>${s}</span>`,
  );
  return `<p class="legend">${items.join('')}</p>`;
}
