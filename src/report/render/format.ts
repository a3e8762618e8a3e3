import { causeInfo } from '../../shared/causes.js';
import type { UplinkReport } from '../model.js';

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
