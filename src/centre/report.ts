import type { Kysely } from 'kysely';
import { UsageError } from '../shared/errors.js';
import type { FigureOptions } from './figures.js';
import { compact, daysBetween, figureAt, liveFigure } from './history.js';
import type { DayFigure, Figure, GroupFigure } from './model.js';
import type { Registry } from './registry.js';
import { storedDays } from './store/dayFigures.js';
import { prunedBefore } from './store/prune.js';
import type { CentreDb } from './store/schema.js';
import { computeUptime, type Uptime } from './uptime.js';

export const REPORT_FORMATS = ['json', 'csv', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface CentreReport {
  readonly from: string;
  readonly to: string;
  readonly generatedAt: string;
  /** One figure per day; `source` says whether it was the stored snapshot or computed from the logs now. */
  readonly days: ReadonlyArray<DayFigure & { readonly source: 'snapshot' | 'computed' | 'live' }>;
  /** The full figure (every site with its cause, contracts) at the end of the window. */
  readonly last: Figure;
  /** Uptime/SLA per camera and per site over the window (up to now; from the raw-history horizon if later). */
  readonly uptime: Uptime;
}

/**
 * The figure for every day of a window: the stored daily snapshot where there is one, else the
 * day recomputed from the logs; today is the live figure.
 */
export async function buildReport(
  db: Kysely<CentreDb>,
  registry: Registry,
  window: { from: string; to: string; nowMs: number },
  options: FigureOptions,
): Promise<CentreReport> {
  const nowIso = new Date(window.nowMs).toISOString();
  const today = nowIso.slice(0, 10);
  const stored = new Map((await storedDays(db, window.from, window.to)).map((d) => [d.day, d]));
  const days: Array<CentreReport['days'][number]> = [];
  let last: Figure | undefined;
  for (const day of daysBetween(window.from, window.to)) {
    if (day > today) break;
    if (day === today) {
      last = await liveFigure(db, registry, nowIso, options);
      days.push({ ...compact(day, last), source: 'live' });
      continue;
    }
    const s = stored.get(day);
    if (s) days.push({ ...s, source: 'snapshot' });
    else
      days.push({
        ...compact(day, await figureAt(db, registry, `${day}T23:59:59.999Z`, options)),
        source: 'computed',
      });
  }
  const end = [window.to, today].sort()[0]!;
  const horizon = await prunedBefore(db);
  if (horizon !== null && `${end}T23:59:59.999Z` < horizon) {
    throw new UsageError(
      `the raw history before ${horizon} was pruned (retention.rawDays): the daily figures of those days are in /api/history; a report must end after it`,
    );
  }
  last ??= await figureAt(db, registry, `${end}T23:59:59.999Z`, options);
  const until = [`${window.to}T23:59:59.999Z`, nowIso].sort()[0]!;
  // Uptime needs the whole log: it starts at the horizon when the window begins before it.
  const start = [`${window.from}T00:00:00.000Z`, horizon ?? ''].sort().at(-1)!;
  const uptime = await computeUptime(db, registry, start, until);
  return { from: window.from, to: window.to, generatedAt: nowIso, days, last, uptime };
}

export function renderReport(r: CentreReport, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(r, null, 2)}\n`;
  if (format === 'csv') return reportCsv(r);
  return reportHtml(r);
}

function csvCell(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const CSV_HEAD = [
  'day',
  'region',
  'sites',
  'sites_integrated',
  'sites_fully_integrated',
  'pct',
  'cameras_planned',
  'cameras_installed',
  'cameras_integrated',
  'overview_integrated',
  'panoramic_integrated',
  'lpr_integrated',
  'causes',
];

function groupCsv(day: string, g: GroupFigure): string {
  const c = g.cameras;
  return [
    day,
    g.key,
    g.sites,
    g.sitesIntegrated,
    g.sitesFullyIntegrated,
    g.pct,
    c.planned.total,
    c.installed.total,
    c.integrated.total,
    c.integrated.overview,
    c.integrated.panoramic,
    c.integrated.lpr,
    g.causes.map((x) => `${x.cause}:${x.sites}`).join(' '),
  ]
    .map(csvCell)
    .join(',');
}

/** One row per day and region, then the national row ("national"). */
export function reportCsv(r: CentreReport): string {
  const rows = [CSV_HEAD.join(',')];
  for (const d of r.days) {
    for (const g of d.regions) rows.push(groupCsv(d.day, g));
    rows.push(groupCsv(d.day, d.national));
  }
  return `${rows.join('\n')}\n`;
}

function esc(v: unknown): string {
  return String(v ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function htmlTable(head: readonly string[], rows: ReadonlyArray<ReadonlyArray<unknown>>): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** A printable, self-contained page: per-day national figure, regions, and every site not integrated. */
export function reportHtml(r: CentreReport): string {
  const f = r.last;
  const pct = (p: number | null): string => (p === null ? '-' : `${p.toFixed(1)}%`);
  const days = htmlTable(
    ['day', 'sites', 'integrated', 'fully', '%', 'source'],
    r.days.map((d) => [
      d.day,
      d.national.sites,
      d.national.sitesIntegrated,
      d.national.sitesFullyIntegrated,
      pct(d.national.pct),
      d.source,
    ]),
  );
  const regions = htmlTable(
    ['region', 'sites', 'integrated', 'fully', '%', 'cameras integrated / planned', 'causes'],
    f.regions.map((g) => [
      g.key,
      g.sites,
      g.sitesIntegrated,
      g.sitesFullyIntegrated,
      pct(g.pct),
      `${g.cameras.integrated.total} / ${g.cameras.planned.total}`,
      g.causes.map((c) => `${c.cause} ${c.sites}`).join(', '),
    ]),
  );
  const gaps = htmlTable(
    ['site', 'region', 'kind', 'cause', 'evidence'],
    f.sites
      .filter((s) => !s.integrated)
      .map((s) => [`${s.siteId} ${s.name}`, s.region, s.kind, s.cause, s.evidence]),
  );
  const contracts = htmlTable(
    ['site', 'region', 'provider', 'ends', 'days left'],
    f.contracts.map((c) => [c.siteId, c.region, c.commsProvider, c.contractEnd, c.daysLeft]),
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>camgate centre report ${esc(r.from)} – ${esc(r.to)}</title>
<style>body{font:13px system-ui,sans-serif;margin:1rem}table{border-collapse:collapse;margin-bottom:1rem}td,th{border:1px solid #bbb;padding:2px 6px}tr{break-inside:avoid}</style></head><body>
<h1>Integration ${esc(r.from)} – ${esc(r.to)}</h1>
<p>National at ${esc(f.at)}: ${f.national.sitesIntegrated} of ${f.national.sites} sites integrated (${pct(f.national.pct)}), ${f.national.sitesFullyIntegrated} fully.</p>
<h2>Per day</h2>${days}<h2>Regions</h2>${regions}<h2>Sites not integrated</h2>${gaps}<h2>Comms contracts</h2>${contracts}
<p>generated ${esc(r.generatedAt)}</p></body></html>\n`;
}
