import { CAMERA_CLASSES } from '../../shared/types.js';
import type { CameraReport, Report, SpanState } from '../model.js';
import type { Span } from '../spans.js';
import { durationText, isoOf, pctText } from './format.js';

/** Fills chosen to stay distinct in greyscale print; unknown is hatched so it never reads as up. */
export const STATE_FILL: Readonly<Record<SpanState, string>> = {
  up: '#2e7d32',
  down: '#c62828',
  unknown: 'url(#hatch)',
  maintenance: '#1565c0',
  absent: '#e0e0e0',
};

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Defined once per page and referenced by every timeline. */
export function svgDefs(): string {
  return `<svg width="0" height="0" aria-hidden="true" style="position:absolute"><defs>
<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
<rect width="6" height="6" fill="#fff8e1"/><rect width="3" height="6" fill="#9e9e9e"/></pattern></defs></svg>`;
}

const TIMELINE_W = 600;
const TIMELINE_H = 18;

/** One camera's window as coloured segments, each with a tooltip giving its span. */
export function timelineSvg(camera: CameraReport, window: Span): string {
  const length = Math.max(1, window.toMs - window.fromMs);
  const x = (t: number) => ((t - window.fromMs) / length) * TIMELINE_W;
  const rects = camera.timeline.map((s) => {
    const w = Math.max(0.5, x(s.toMs) - x(s.fromMs));
    const tip = `${s.state}: ${isoOf(s.fromMs)} – ${isoOf(s.toMs)} (${durationText(s.toMs - s.fromMs)})`;
    return `<rect class="seg seg-${s.state}" x="${x(s.fromMs).toFixed(2)}" y="0" width="${w.toFixed(2)}" height="${TIMELINE_H}" fill="${STATE_FILL[s.state]}"><title>${escapeXml(tip)}</title></rect>`;
  });
  return `<svg class="timeline" data-camera="${escapeXml(camera.id)}" viewBox="0 0 ${TIMELINE_W} ${TIMELINE_H}" preserveAspectRatio="none" width="100%" height="${TIMELINE_H}" role="img" aria-label="uptime timeline of ${escapeXml(camera.id)}">${rects.join('')}</svg>`;
}

const METRICS = [
  { key: 'uptimePct', label: 'uptime', fill: '#2e7d32' },
  { key: 'integratedPct', label: 'integrated', fill: '#6a1b9a' },
  { key: 'recordingPct', label: 'recording', fill: '#ef6c00' },
] as const;

/** Per class: a bar per metric (0-100 %) and the planned vs installed count. */
export function classChartSvg(report: Report): string {
  const labelW = 110;
  const barW = 380;
  const rowH = 14;
  const groupH = METRICS.length * rowH + 22;
  const height = CAMERA_CLASSES.length * groupH + 24;
  const parts: string[] = [];
  CAMERA_CLASSES.forEach((k, gi) => {
    const g = report.classes[k];
    const top = gi * groupH;
    const planned =
      g.planned === null
        ? 'not planned'
        : `planned ${g.planned}${g.missing ? ` · missing ${g.missing}` : ''}`;
    parts.push(
      `<text x="0" y="${top + 12}" class="chart-class" font-weight="bold">${k}</text><text x="${labelW}" y="${top + 12}" class="chart-count">installed ${g.installed} · ${planned}</text>`,
    );
    METRICS.forEach((m, mi) => {
      const y = top + 18 + mi * rowH;
      const pct = g[m.key];
      const w = pct === null ? 0 : (pct / 100) * barW;
      parts.push(
        `<text x="10" y="${y + 10}" class="chart-label">${m.label}</text>`,
        `<rect class="bar bar-${m.label}" data-class="${k}" x="${labelW}" y="${y}" width="${w.toFixed(2)}" height="${rowH - 3}" fill="${m.fill}"/>`,
        `<text x="${labelW + barW + 6}" y="${y + 10}" class="chart-value">${pctText(pct)}</text>`,
      );
    });
  });
  const axisY = height - 10;
  parts.push(
    `<line x1="${labelW}" y1="${axisY - 6}" x2="${labelW + barW}" y2="${axisY - 6}" stroke="#757575"/>`,
    ...[0, 50, 100].map(
      (p) =>
        `<text x="${labelW + (p / 100) * barW}" y="${axisY + 4}" text-anchor="middle" class="chart-axis">${p}%</text>`,
    ),
  );
  return `<svg class="chart-classes" viewBox="0 0 ${labelW + barW + 70} ${height}" width="100%" font-family="sans-serif" font-size="11" role="img" aria-label="per-class summary">${parts.join('')}</svg>`;
}
