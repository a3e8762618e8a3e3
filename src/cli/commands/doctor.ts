import { resolveConfigPath } from '../../config/load.js';
import { UsageError } from '../../shared/errors.js';
import { parseCommandArgs } from '../args.js';
import { type CliCommand, writeJson } from '../command.js';
import type { CheckResult, CheckStatus } from '../doctor/check.js';
import { runDoctor } from '../doctor/doctor.js';
import { colour, formatTable } from '../table.js';

export const doctorCommand: CliCommand = {
  name: 'doctor',
  usage: 'camgate doctor [--config PATH] [--json] [--timeout SECONDS]',
  async run(args, io) {
    const { values } = parseCommandArgs('doctor', args, {
      config: { type: 'string' },
      json: { type: 'boolean' },
      timeout: { type: 'string' },
    });
    const timeoutS = Number(values.timeout ?? '3');
    if (!(timeoutS > 0 && timeoutS <= 60)) {
      throw new UsageError(`camgate doctor: --timeout must be 0-60 seconds (got '${values.timeout}')`);
    }
    const { results } = await runDoctor(
      resolveConfigPath(values.config, io.env),
      io.env,
      timeoutS * 1000,
      io.clock,
    );
    const failed = results.some((r) => r.status === 'fail');
    if (values.json) writeJson(io, { ok: !failed, checks: results });
    else io.stdout.write(`${renderChecks(results, io.isTty)}\n`);
    return failed ? 1 : 0;
  },
};

const STATUS_COLOUR: Record<CheckStatus, 'green' | 'yellow' | 'red'> = {
  ok: 'green',
  warn: 'yellow',
  fail: 'red',
};

export function renderChecks(results: readonly CheckResult[], tty: boolean): string {
  const table = formatTable(
    ['CHECK', 'STATUS', 'DETAIL'],
    results.map((r) => [r.name, r.status.toUpperCase(), r.detail.split('\n').join(' ')]),
  );
  // Colour the status column after alignment: escape codes would skew the widths.
  const lines = table.split('\n').map((line, i) => {
    const r = i >= 2 ? results[i - 2] : undefined;
    if (!r || !tty) return line;
    return line.replace(
      r.status.toUpperCase(),
      colour(r.status.toUpperCase(), STATUS_COLOUR[r.status], true),
    );
  });
  const fixes = results.filter((r) => r.status !== 'ok' && r.fix).map((r) => `  ${r.name}: ${r.fix}`);
  const counts = (['ok', 'warn', 'fail'] as const).map(
    (s) => `${results.filter((r) => r.status === s).length} ${s}`,
  );
  return [...lines, '', ...(fixes.length ? ['how to fix:', ...fixes, ''] : []), counts.join(', ')].join('\n');
}
