import type { IngestStats } from './ingest.js';
import type { Figure } from './model.js';

function label(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, ' ');
}

/** Prometheus text exposition of the figure per region and the ingest counters. */
export function figureMetrics(f: Figure, stats: IngestStats): string {
  const lines: string[] = [
    '# HELP camgate_centre_sites Registered sites per region.',
    '# TYPE camgate_centre_sites gauge',
  ];
  for (const r of f.regions) lines.push(`camgate_centre_sites{region="${label(r.key)}"} ${r.sites}`);
  lines.push(
    '# HELP camgate_centre_sites_integrated Sites with a gateway online and at least one camera integrated.',
  );
  lines.push('# TYPE camgate_centre_sites_integrated gauge');
  for (const r of f.regions)
    lines.push(`camgate_centre_sites_integrated{region="${label(r.key)}"} ${r.sitesIntegrated}`);
  lines.push('# HELP camgate_centre_cameras_integrated Cameras integrated per region.');
  lines.push('# TYPE camgate_centre_cameras_integrated gauge');
  for (const r of f.regions) {
    lines.push(`camgate_centre_cameras_integrated{region="${label(r.key)}"} ${r.cameras.integrated.total}`);
  }
  lines.push('# HELP camgate_centre_sites_by_cause Sites not integrated, by cause.');
  lines.push('# TYPE camgate_centre_sites_by_cause gauge');
  for (const r of f.regions) {
    for (const c of r.causes)
      lines.push(`camgate_centre_sites_by_cause{region="${label(r.key)}",cause="${c.cause}"} ${c.sites}`);
  }
  for (const [k, v] of Object.entries(stats)) {
    lines.push(`# TYPE camgate_centre_ingest_${k}_total counter`, `camgate_centre_ingest_${k}_total ${v}`);
  }
  return `${lines.join('\n')}\n`;
}
