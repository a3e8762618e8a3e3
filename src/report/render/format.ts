import { causeInfo } from '../../shared/causes.js';
import type { CameraReport, PictureTime, Report, UplinkReport } from '../model.js';

/** Display formatting shared by the CSV, HTML and terminal renderings of a report. */
export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

export function pctText(pct: number | null): string {
  return pct === null ? 'n/a' : `${pct.toFixed(2)}%`;
}

/** 90061000 -> "1d 1h 1m"; under a minute in seconds. */
export function durationText(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 60_000) return `${Math.round(ms / 1000)}s`;
  const minutes = Math.floor(ms / 60_000);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return [d ? `${d}d` : '', h ? `${h}h` : '', m || (!d && !h) ? `${m}m` : ''].filter(Boolean).join(' ');
}

/** One line on the site's uplink: availability, outages, the longest, downtime per cause. */
export function uplinkText(u: UplinkReport): string {
  const causes = Object.entries(u.downMsByCause).map(([cause, ms]) => `${cause} ${durationText(ms)}`);
  const longest = u.longestOutageMs === null ? '' : `, longest ${durationText(u.longestOutageMs)}`;
  return `uplink to the centre: ${pctText(u.availability.pct)} available, ${u.outageCount} outage(s)${longest}${causes.length ? ` (${causes.join(', ')})` : ''}`;
}

/** What each uplink outage cause of the window means and what to do, from the one cause table. */
export function uplinkCauseNotes(u: UplinkReport): string[] {
  return Object.keys(u.downMsByCause).flatMap((cause) => {
    const info = causeInfo(cause);
    return info ? [`${cause}: ${info.explanation}; next: ${info.nextStep}`] : [];
  });
}

/** "2h 5m (picture_dark 2h, picture_frozen 5m)"; '-' when the database does not track it. */
export function pictureText(p: PictureTime | null): string {
  if (p === null) return '-';
  const reasons = Object.entries(p.byReasonMs).map(([r, ms]) => `${r} ${durationText(ms)}`);
  return `${durationText(p.degradedMs)}${reasons.length ? ` (${reasons.join(', ')})` : ''}`;
}

/** lpr_no_reads time; '' for a camera that is not LPR, '-' when not tracked. */
export function lprNoReadsText(c: CameraReport, tracked: boolean): string {
  if (c.lprNoReadsMs === null) return tracked ? '' : '-';
  return durationText(c.lprNoReadsMs);
}

/**
 * The text report's lines on picture and LPR verdicts: which cameras were picture-degraded (not
 * integrated) or read no plates (integrated), for how long and why; a line saying when the
 * database does not track them.
 */
export function verdictLines(report: Report): string[] {
  const lines: string[] = [];
  if (report.total.pictureDegradedMs === null)
    lines.push('picture degraded: not tracked by this database (before picture checks, 0.4.0)');
  else {
    const bad = report.cameras.filter((c) => (c.picture?.degradedMs ?? 0) > 0);
    lines.push(
      `picture degraded (counted as not integrated): ${bad.length} camera(s), ${durationText(report.total.pictureDegradedMs)} in all`,
      ...bad.map((c) => `  ${c.id}: ${pictureText(c.picture)}`),
    );
  }
  if (report.total.lprNoReadsMs === null)
    lines.push('lpr_no_reads: not tracked by this database (recorded since migration 009)');
  else {
    const silent = report.cameras.filter((c) => (c.lprNoReadsMs ?? 0) > 0);
    lines.push(
      `lpr_no_reads (degraded, still integrated): ${silent.length} camera(s), ${durationText(report.total.lprNoReadsMs)} in all`,
      ...silent.map((c) => `  ${c.id}: ${durationText(c.lprNoReadsMs)}`),
    );
  }
  return lines;
}
