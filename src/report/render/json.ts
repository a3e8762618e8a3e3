import type { Report, TimeBreakdown } from '../model.js';
import { isoOf } from './format.js';

/** The report as one JSON document: timestamps as ISO-8601 UTC, durations in ms, percentages 0-100. */
export function reportJson(report: Report): unknown {
  const breakdown = (b: TimeBreakdown | null) => b && { ...b };
  return {
    site: report.site,
    from: isoOf(report.window.fromMs),
    to: isoOf(report.window.toMs),
    generatedAt: isoOf(report.generatedMs),
    total: report.total,
    classes: report.classes,
    replaced: report.replaced.tracked
      ? {
          tracked: true,
          since: report.replaced.sinceMs === null ? null : isoOf(report.replaced.sinceMs),
          total: report.replaced.total,
          note: report.replaced.note,
        }
      : report.replaced,
    uplink: {
      availabilityPct: report.uplink.availability.pct,
      outageCount: report.uplink.outageCount,
      longestOutageMs: report.uplink.longestOutageMs,
      downMsByCause: report.uplink.downMsByCause,
      availability: breakdown(report.uplink.availability),
    },
    cameras: report.cameras.map((c) => ({
      id: c.id,
      class: c.class,
      uptimePct: c.uptime.pct,
      integratedPct: c.integrated.pct,
      recordingPct: c.recording?.pct ?? null,
      outageCount: c.outageCount,
      longestOutageMs: c.longestOutageMs,
      mttrMs: c.mttrMs,
      restored: c.restored,
      replaced: c.replaced,
      installedAtEnd: c.installedAtEnd,
      uptime: breakdown(c.uptime),
      integrated: breakdown(c.integrated),
      recording: breakdown(c.recording),
      timeline: c.timeline.map((s) => ({ from: isoOf(s.fromMs), to: isoOf(s.toMs), state: s.state })),
      picture: c.picture && { degradedMs: c.picture.degradedMs, byReasonMs: { ...c.picture.byReasonMs } },
      lprNoReadsMs: c.lprNoReadsMs,
    })),
  };
}
