import fs from 'node:fs';
import { parseCommandArgs } from '../../cli/args.js';
import type { CliIo } from '../../cli/command.js';
import { systemClock } from '../../shared/clock.js';
import { UsageError } from '../../shared/errors.js';
import { type CentreConfig, DEFAULT_CENTRE_CONFIG, loadCentreConfig } from '../config.js';
import { isCalendarDate, loadRegistry } from '../registry.js';
import { buildReport, REPORT_FORMATS, type ReportFormat, renderReport } from '../report.js';
import { openCentreDb, type StoreConfig } from '../store/openDb.js';
import { runCentre } from './runCentre.js';

const USAGE = 'camgate centre run|report|check [options] (camgate centre --help)';

export async function centreMain(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'run':
      return runCentre(configOf(rest, io), io);
    case 'check':
      return check(rest, io);
    case 'report':
      return report(rest, io);
    default:
      throw new UsageError(`camgate centre: unknown subcommand '${sub ?? ''}'; ${USAGE}`);
  }
}

function configPath(flag: string | undefined, io: CliIo): string {
  return flag ?? io.env.CAMGATE_CENTRE_CONFIG ?? DEFAULT_CENTRE_CONFIG;
}

function configOf(rest: readonly string[], io: CliIo): Readonly<CentreConfig> {
  const { values } = parseCommandArgs('centre run', rest, { config: { type: 'string' } });
  return loadCentreConfig(configPath(values.config, io));
}

export function storeConfig(config: Readonly<CentreConfig>): StoreConfig {
  const password = config.store.passwordFile
    ? fs.readFileSync(config.store.passwordFile, 'utf8').replace(/\r?\n$/, '')
    : undefined;
  return { driver: config.store.driver, path: config.store.path, url: config.store.url, password };
}

function check(rest: readonly string[], io: CliIo): number {
  const { values } = parseCommandArgs('centre check', rest, { config: { type: 'string' } });
  const file = configPath(values.config, io);
  const config = loadCentreConfig(file);
  const registry = loadRegistry(config.registry);
  io.stdout.write(`${file}: ok; ${config.registry}: ${registry.sites.length} sites\n`);
  return 0;
}

async function report(rest: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs('centre report', rest, {
    from: { type: 'string' },
    to: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    config: { type: 'string' },
  });
  for (const [name, v] of [
    ['--from', values.from],
    ['--to', values.to],
  ] as const) {
    if (v === undefined) throw new UsageError(`camgate centre report: ${name} DATE is required`);
    if (!isCalendarDate(v)) {
      throw new UsageError(`camgate centre report: ${name} '${v}' is not a date YYYY-MM-DD`);
    }
  }
  const from = values.from!;
  const to = values.to!;
  if (to < from) throw new UsageError(`camgate centre report: --to (${to}) is before --from (${from})`);
  const format = (values.format ?? 'json') as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) {
    throw new UsageError(`camgate centre report: --format must be one of ${REPORT_FORMATS.join(', ')}`);
  }
  const config = loadCentreConfig(configPath(values.config, io));
  const registry = loadRegistry(config.registry);
  const db = await openCentreDb(storeConfig(config));
  try {
    const options = { contractWarningDays: config.figures.contractWarningDays };
    const r = await buildReport(db, registry, { from, to, nowMs: systemClock.now() }, options);
    const text = renderReport(r, format);
    if (values.out) {
      fs.writeFileSync(values.out, text);
      io.stderr.write(`camgate centre report: wrote ${values.out}\n`);
    } else io.stdout.write(text);
  } finally {
    await db.destroy();
  }
  return 0;
}
