import fs from 'node:fs';
import { staticCameras } from '../../app/staticCameras.js';
import { loadConfigFile, resolveConfigPath } from '../../config/load.js';
import { computeReport } from '../../report/compute.js';
import { buildReportInput, reportCameraIds } from '../../report/input.js';
import type { Report } from '../../report/model.js';
import { reportCsv } from '../../report/render/csv.js';
import {
  durationText,
  lprNoReadsText,
  pctText,
  uplinkCauseNotes,
  uplinkText,
  verdictLines,
} from '../../report/render/format.js';
import { reportHtml } from '../../report/render/html.js';
import { reportJson } from '../../report/render/json.js';
import type { Span } from '../../report/spans.js';
import { UsageError } from '../../shared/errors.js';
import { CAMERA_CLASSES } from '../../shared/types.js';
import { openReadOnly, ReportRepo } from '../../store/reportRepo.js';
import { parseCommandArgs } from '../args.js';
import type { CliCommand } from '../command.js';
import { colour, formatTable } from '../table.js';

const FORMATS = ['text', 'json', 'csv', 'html'] as const;
type Format = (typeof FORMATS)[number];
const DAY_MS = 86_400_000;

export const reportCommand: CliCommand = {
  name: 'report',
  usage:
    'camgate report --from DATE --to DATE [--format text|json|csv|html] [--json] [--out FILE] [--config PATH]\n' +
    '  DATE is YYYY-MM-DD (UTC; --to includes that whole day) or an ISO-8601 time with zone',
  async run(args, io) {
    const { values } = parseCommandArgs('report', args, {
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string' },
      json: { type: 'boolean' },
      out: { type: 'string' },
      config: { type: 'string' },
    });
    const window = parseWindow(values.from, values.to);
    const format = parseFormat(values.json ? 'json' : values.format);
    const config = loadConfigFile(resolveConfigPath(values.config, io.env));
    const db = openReadOnly(config.storage.path);
    let report: Report;
    try {
      const repo = new ReportRepo(db);
      const rows = {
        cameras: repo.cameras(),
        outages: repo.outages(new Date(window.fromMs).toISOString(), new Date(window.toMs).toISOString()),
        boots: repo.boots(),
        staticCameras: staticCameras(config.cameras, new Date(window.fromMs).toISOString()),
        inventory: repo.inventoryChanges(
          new Date(window.fromMs).toISOString(),
          new Date(window.toMs).toISOString(),
        ),
        picture: repo.pictureDegraded(
          new Date(window.fromMs).toISOString(),
          new Date(window.toMs).toISOString(),
        ),
        lprNoReads: repo.lprNoReads(
          new Date(window.fromMs).toISOString(),
          new Date(window.toMs).toISOString(),
        ),
      };
      const firstVerdicts = repo.firstVerdicts(reportCameraIds(rows), rows.boots, window.fromMs, window.toMs);
      const clockSteps = repo.clockSteps();
      report = computeReport(
        buildReportInput(config, { ...rows, firstVerdicts, clockSteps }, window, io.clock.now()),
      );
    } finally {
      db.close();
    }
    const text = render(report, format, io.isTty && !values.out);
    if (values.out) {
      fs.writeFileSync(values.out, text);
      io.stderr.write(`camgate report: wrote ${values.out}\n`);
    } else io.stdout.write(text);
    return 0;
  },
};

export function parseWindow(from: string | undefined, to: string | undefined): Span {
  if (from === undefined) throw new UsageError('camgate report: --from DATE is required');
  if (to === undefined) throw new UsageError('camgate report: --to DATE is required');
  const fromMs = parseDate('--from', from, false);
  const toMs = parseDate('--to', to, true);
  if (toMs <= fromMs) throw new UsageError(`camgate report: --to (${to}) must be after --from (${from})`);
  return { fromMs, toMs };
}

/** A bare date is a UTC day; as `--to` it means the end of that day, so a yearly report is 01-01 to 12-31. */
function parseDate(name: string, text: string, endOfDay: boolean): number {
  const bare = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const zoned = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(text);
  const ms = bare ? Date.parse(`${text}T00:00:00Z`) : zoned ? Date.parse(text) : Number.NaN;
  // Date.parse rolls 2026-02-30 over to March; a round trip catches it.
  if (Number.isNaN(ms) || (bare && new Date(ms).toISOString().slice(0, 10) !== text)) {
    throw new UsageError(
      `camgate report: ${name} '${text}' is not a date (YYYY-MM-DD or ISO-8601 with zone, e.g. 2026-01-01T00:00:00Z)`,
    );
  }
  return bare && endOfDay ? ms + DAY_MS : ms;
}

function parseFormat(value: string | undefined): Format {
  const format = value ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`camgate report: --format must be one of ${FORMATS.join(', ')} (got '${format}')`);
  }
  return format as Format;
}

function render(report: Report, format: Format, tty: boolean): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(reportJson(report), null, 2)}\n`;
    case 'csv':
      return reportCsv(report);
    case 'html':
      return reportHtml(report);
    case 'text':
      return renderText(report, tty);
  }
}

function renderText(report: Report, tty: boolean): string {
  const pct = pctText;
  const cams = formatTable(
    [
      'CAMERA',
      'CLASS',
      'UPTIME',
      'INTEGRATED',
      'RECORDING',
      'OUTAGES',
      'LONGEST',
      'MTTR',
      'UNKNOWN',
      'RESTORED',
      'PICTURE',
      'LPR NO READS',
    ],
    report.cameras.map((c) => [
      c.id,
      c.class,
      pct(c.uptime.pct),
      pct(c.integrated.pct),
      pct(c.recording?.pct ?? null),
      String(c.outageCount),
      durationText(c.longestOutageMs),
      durationText(c.mttrMs),
      durationText(c.uptime.unknownMs),
      c.restored ? 'yes' : '',
      c.picture === null ? '-' : durationText(c.picture.degradedMs),
      lprNoReadsText(c, report.total.lprNoReadsMs !== null),
    ]),
  );
  const groups = [
    ...CAMERA_CLASSES.map((k) => [k, report.classes[k]] as const),
    ['all', report.total] as const,
  ];
  const classes = formatTable(
    ['CLASS', 'PLANNED', 'INSTALLED', 'UPTIME', 'INTEGRATED', 'RECORDING', 'OUTAGES', 'RESTORED', 'REPLACED'],
    groups.map(([k, g]) => [
      k,
      g.planned === null ? '-' : String(g.planned),
      String(g.installed),
      pct(g.uptimePct),
      pct(g.integratedPct),
      pct(g.recordingPct),
      String(g.outageCount),
      String(g.restoredCameras),
      g.replaced === null ? '-' : String(g.replaced),
    ]),
  );
  const head = `site ${report.site.id} · ${new Date(report.window.fromMs).toISOString()} – ${new Date(report.window.toMs).toISOString()}`;
  const body = [
    head,
    '',
    cams,
    '',
    classes,
    '',
    uplinkText(report.uplink),
    ...uplinkCauseNotes(report.uplink).map((n) => `  ${n}`),
    ...verdictLines(report),
    `replaced cameras: ${report.replaced.note}`,
  ].join('\n');
  return `${tty ? colourPercents(body) : body}\n`;
}

/** Colour after alignment: escape codes inside cells would throw the column widths off. */
function colourPercents(text: string): string {
  return text.replace(/\b(\d+\.\d\d)%/g, (match, value: string) => {
    const p = Number(value);
    return colour(match, p >= 99 ? 'green' : p >= 95 ? 'yellow' : 'red', true);
  });
}
