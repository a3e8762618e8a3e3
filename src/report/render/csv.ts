import { CAMERA_CLASSES } from '../../shared/types.js';
import type { GroupReport, Report } from '../model.js';

const HEADER = [
  'scope',
  'id',
  'class',
  'uptime_pct',
  'integrated_pct',
  'recording_pct',
  'outages',
  'longest_outage_s',
  'mttr_s',
  'restored',
  'unknown_s',
  'maintenance_s',
  'planned',
  'installed',
  'replaced',
  'missing',
  'picture_degraded_s',
  'picture_reasons',
  'lpr_no_reads_s',
];

/**
 * One CSV table (RFC 4180): a row per camera, then per class, then the site's uplink (scope `uplink`),
 * then the site; empty cell = not applicable. Columns are only ever added at the end.
 */
export function reportCsv(report: Report): string {
  const rows: (string | number | null)[][] = [HEADER];
  for (const c of report.cameras) {
    rows.push([
      'camera',
      c.id,
      c.class,
      c.uptime.pct,
      c.integrated.pct,
      c.recording?.pct ?? null,
      c.outageCount,
      seconds(c.longestOutageMs),
      seconds(c.mttrMs),
      c.restored ? 'yes' : 'no',
      seconds(c.uptime.unknownMs),
      seconds(c.uptime.maintenanceMs),
      null,
      c.installedAtEnd ? 1 : 0,
      c.replaced,
      null,
      seconds(c.picture?.degradedMs ?? null),
      reasonsCell(c.picture?.byReasonMs),
      seconds(c.lprNoReadsMs),
    ]);
  }
  for (const k of CAMERA_CLASSES) rows.push(groupRow('class', k, k, report.classes[k]));
  // Before the site row, which stays last: consumers take the last row as the site total.
  rows.push(uplinkRow(report));
  rows.push(groupRow('site', report.site.id, '', report.total));
  return `${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

function groupRow(scope: string, id: string, cls: string, g: GroupReport): (string | number | null)[] {
  return [
    scope,
    id,
    cls,
    g.uptimePct,
    g.integratedPct,
    g.recordingPct,
    g.outageCount,
    null,
    null,
    g.restoredCameras,
    null,
    null,
    g.planned,
    g.installed,
    g.replaced,
    g.missing,
    seconds(g.pictureDegradedMs),
    null,
    seconds(g.lprNoReadsMs),
  ];
}

/** The site's uplink (issue #12): availability in `uptime_pct`, its outages and longest one. */
function uplinkRow(report: Report): (string | number | null)[] {
  const u = report.uplink;
  return [
    'uplink',
    report.site.id,
    '',
    u.availability.pct,
    null,
    null,
    u.outageCount,
    seconds(u.longestOutageMs),
    null,
    null,
    seconds(u.availability.unknownMs),
    seconds(u.availability.maintenanceMs),
    null,
    null,
    null,
    null,
    null,
    null,
    null,
  ];
}

/** "picture_dark=120;picture_frozen=30" (seconds per reason). */
function reasonsCell(byReasonMs: Readonly<Record<string, number>> | undefined): string | null {
  if (!byReasonMs) return null;
  return Object.entries(byReasonMs)
    .map(([r, ms]) => `${r}=${Math.round(ms / 1000)}`)
    .join(';');
}

function seconds(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms / 1000);
}

function cell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
