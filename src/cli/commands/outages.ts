import { loadConfigFile, resolveConfigPath } from '../../config/load.js';
import { parseSince } from '../../health/timeWindow.js';
import { formatDuration } from '../../health/whyReport.js';
import { UsageError } from '../../shared/errors.js';
import { type OutageRow, openHistoryReadOnly } from '../../store/historyRepo.js';
import { parseCommandArgs } from '../args.js';
import { type CliCommand, writeJson } from '../command.js';
import { formatTable } from '../table.js';

/** The public shape of one outage in `--json` and `--csv` (stable: other tools parse it). */
export interface OutageOut {
  readonly cameraId: string;
  readonly kind: string;
  readonly cause: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly durationMs: number | null;
  readonly endReason: string | null;
  readonly bootId: string;
}

/** stream: the camera's picture; recording: its recording; uplink: the gateway's own link to the centre. */
const OUTAGE_KINDS = ['stream', 'recording', 'uplink'] as const;

const CSV_COLUMNS: readonly (keyof OutageOut)[] = [
  'cameraId',
  'kind',
  'cause',
  'startedAt',
  'endedAt',
  'durationMs',
  'endReason',
  'bootId',
];

/**
 * Reads the database file directly, read-only: the outage log must be available when the daemon
 * is stopped (that is often exactly when a technician is looking at it).
 */
export const outagesCommand: CliCommand = {
  name: 'outages',
  usage:
    'camgate outages [--camera ID] [--kind stream|recording|uplink] [--since ISO] [--json|--csv] [--config PATH]',
  async run(args, io) {
    const { values } = parseCommandArgs('outages', args, {
      config: { type: 'string' },
      camera: { type: 'string' },
      kind: { type: 'string' },
      since: { type: 'string' },
      json: { type: 'boolean' },
      csv: { type: 'boolean' },
    });
    if (values.json && values.csv)
      throw new UsageError('camgate outages: --json and --csv exclude each other');
    if (values.kind !== undefined && !(OUTAGE_KINDS as readonly string[]).includes(values.kind))
      throw new UsageError(
        `camgate outages: --kind must be one of ${OUTAGE_KINDS.join(', ')} (got '${values.kind}')`,
      );
    const sinceMs = parseSince(values.since);
    const config = loadConfigFile(resolveConfigPath(values.config, io.env));
    const { history, close } = openHistoryReadOnly(config.storage.path);
    let rows: OutageOut[];
    try {
      rows = history.outages({ cameraId: values.camera, kind: values.kind, sinceMs }).map(toOut);
    } finally {
      close();
    }
    if (values.json) writeJson(io, { outages: rows });
    else if (values.csv) io.stdout.write(toCsv(rows));
    else io.stdout.write(`${renderOutages(rows, io.clock.now())}\n`);
    return 0;
  },
};

function toOut(o: OutageRow): OutageOut {
  return {
    cameraId: o.cameraId,
    kind: o.kind,
    cause: o.cause,
    startedAt: o.startedAt,
    endedAt: o.endedAt,
    durationMs: o.durationMs,
    endReason: o.endReason,
    bootId: o.bootId,
  };
}

export function toCsv(rows: readonly OutageOut[]): string {
  const header = CSV_COLUMNS.map(snake).join(',');
  const lines = rows.map((r) => CSV_COLUMNS.map((c) => csvCell(r[c])).join(','));
  return `${[header, ...lines].join('\n')}\n`;
}

/** RFC 4180: quote cells holding a comma, quote or newline; double the quotes inside. */
function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export function renderOutages(rows: readonly OutageOut[], nowMs: number): string {
  if (rows.length === 0) return 'no outages recorded';
  const table = rows.map((r) => [
    r.cameraId,
    r.cause,
    r.startedAt,
    r.endedAt ?? '-',
    r.durationMs === null
      ? `${formatDuration(nowMs - Date.parse(r.startedAt))}+`
      : formatDuration(r.durationMs),
    r.endReason ?? 'ongoing',
  ]);
  return formatTable(['CAMERA', 'CAUSE', 'STARTED', 'ENDED', 'DURATION', 'END'], table);
}
