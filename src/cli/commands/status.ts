import { causeInfo } from '../../shared/causes.js';
import type { CameraStatusRow } from '../../shared/types.js';
import { parseCommandArgs } from '../args.js';
import type { CliCommand } from '../command.js';
import { printDaemonJson, requestDaemon } from '../controlClient.js';
import { colour, formatTable } from '../table.js';

interface StatusDoc {
  site: { id: string; name: string };
  gateway: { id: string };
  version: string;
  startedAt: string;
  cameras: CameraStatusRow[];
  [section: string]: unknown;
}

export const statusCommand: CliCommand = {
  name: 'status',
  usage: 'camgate status [--config PATH] [--json]',
  async run(args, io) {
    const { values } = parseCommandArgs('status', args, {
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    const target = { flag: values.config, env: io.env };
    if (values.json) {
      await printDaemonJson(io, target, '/status');
      return 0;
    }
    const doc = (await requestDaemon(target, 'GET', '/status')) as StatusDoc;
    io.stdout.write(`${renderStatus(doc, io.isTty)}\n`);
    return 0;
  },
};

const STATUS_COLOUR = {
  online: 'green',
  degraded: 'yellow',
  offline: 'red',
  unauthorized: 'red',
  unknown: 'grey',
} as const;

export function renderStatus(doc: StatusDoc, tty: boolean): string {
  const integrated = doc.cameras.filter((c) => c.integrated).length;
  const head = `site ${doc.site.id} (${doc.site.name}) · gateway ${doc.gateway.id} · camgate ${doc.version} · up since ${doc.startedAt}`;
  const rows = doc.cameras.map((c) => [
    c.cameraId,
    c.class,
    c.address,
    colour(c.status, STATUS_COLOUR[c.status], tty),
    c.stream.codec
      ? `${c.stream.codec} ${c.stream.width ?? '?'}x${c.stream.height ?? '?'} ${c.stream.fps ?? '?'}fps`
      : '-',
    c.recording.status,
    // A degraded camera still counts; its reasons (e.g. rtp_timestamps_invalid) are what to fix.
    c.integrated
      ? c.reasons.length > 0
        ? `yes (${c.reasons.join(', ')})`
        : 'yes'
      : `no (${c.cause ?? c.reasons.join(', ')})`,
  ]);
  const table = formatTable(['CAMERA', 'CLASS', 'ADDRESS', 'STATUS', 'STREAM', 'REC', 'INTEGRATED'], rows);
  const sections = Object.entries(doc)
    .filter(([k]) => !CORE_KEYS.has(k))
    .map(([k, v]) => `${k}: ${summarise(v)}`);
  return [head, '', table, ...causeLegend(doc), '', integrationLine(doc, integrated), ...sections].join('\n');
}

/** One line per cause shown in the table, from the cause table: what it means and what to do. */
function causeLegend(doc: StatusDoc): string[] {
  const shown = new Set(doc.cameras.filter((c) => !c.integrated && c.cause).map((c) => c.cause as string));
  return [...shown].flatMap((cause) => {
    const info = causeInfo(cause);
    return info ? [`  ${cause}: ${info.explanation}; next: ${info.nextStep}`] : [];
  });
}

const CORE_KEYS = new Set([
  'site',
  'gateway',
  'version',
  'bootId',
  'startedAt',
  'previousBoot',
  'cameras',
  'summary',
  'ts',
]);

/** One line per section: scalar fields as they are, lists as counts, nested objects by their scalars. */
function summarise(value: unknown, depth = 0): string {
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `${value.length} item${value.length === 1 ? '' : 's'}`;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) parts.push(`${k} ${v.length}`);
    else if (typeof v === 'object') {
      if (depth < 1) parts.push(`${k} {${summarise(v, depth + 1)}}`);
    } else parts.push(`${k} ${String(v)}`);
  }
  return parts.join(', ');
}

interface ClassCount {
  total: number;
  integrated: number;
  planned?: number;
  missing?: number;
}

/** "integrated 5/6 · overview 2/2 (planned 3) · ..." — installed vs integrated vs planned. */
function integrationLine(doc: StatusDoc, integrated: number): string {
  const byClass = (doc.summary as { byClass?: Record<string, ClassCount> } | undefined)?.byClass ?? {};
  const parts = Object.entries(byClass).map(
    ([cls, c]) =>
      `${cls} ${c.integrated}/${c.total}${c.planned === undefined ? '' : ` (planned ${c.planned}${c.missing ? `, missing ${c.missing}` : ''})`}`,
  );
  return [`integrated ${integrated}/${doc.cameras.length}`, ...parts].join(' · ');
}
