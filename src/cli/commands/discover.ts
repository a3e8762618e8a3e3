import { loadConfigFile, resolveConfigPath } from '../../config/load.js';
import { configSchema } from '../../config/schema.js';
import { discover } from '../../discovery/discover.js';
import { cameraIdFor, classCounts, toRecord } from '../../discovery/inventory.js';
import { isoTs } from '../../shared/clock.js';
import { UsageError } from '../../shared/errors.js';
import { createLog } from '../../shared/log.js';
import { systemNet } from '../../shared/net.js';
import type { CameraRecord } from '../../shared/types.js';
import { parseCommandArgs } from '../args.js';
import { type CliCommand, writeJson } from '../command.js';
import { progressLine } from '../progress.js';
import { formatTable } from '../table.js';

export const discoverCommand: CliCommand = {
  name: 'discover',
  usage:
    'camgate discover [--config PATH] [--json] [--range CIDR]... [--interface NAME]... [--timeout SECONDS]',
  async run(args, io) {
    const { values } = parseCommandArgs('discover', args, {
      config: { type: 'string' },
      json: { type: 'boolean' },
      range: { type: 'string', multiple: true },
      interface: { type: 'string', multiple: true },
      timeout: { type: 'string' },
    });
    const base = loadConfigFile(resolveConfigPath(values.config, io.env));
    const discovery = configSchema.shape.discovery.safeParse({
      ...base.discovery,
      ...(values.range ? { ranges: values.range } : {}),
      ...(values.interface ? { interfaces: values.interface } : {}),
      ...(values.timeout !== undefined ? { probeWindowSeconds: Number(values.timeout) } : {}),
    });
    if (!discovery.success) {
      const issue = discovery.error.issues[0];
      const field = issue?.path.join('.') ?? '';
      const flag = field.startsWith('ranges')
        ? '--range'
        : field.startsWith('interfaces')
          ? '--interface'
          : '--timeout';
      throw new UsageError(`camgate discover: ${flag}: ${issue?.message ?? 'invalid'}`);
    }
    const log = createLog({ level: io.env.CAMGATE_LOG_LEVEL ?? 'error' });
    const progress = progressLine(io, !values.json);
    const run = await discover(
      { clock: io.clock, net: systemNet, log },
      {
        discovery: discovery.data,
        cameras: base.cameras,
        credentials: base.credentials,
        onProgress: (p) =>
          progress.update(
            p.phase === 'finding'
              ? 'discovering: probing and sweeping'
              : `discovering: ${p.interrogated}/${p.found} cameras interrogated`,
          ),
      },
    ).finally(() => progress.done());
    const nowIso = isoTs(io.clock.now());
    const cameras: CameraRecord[] = run.results.map((r) =>
      toRecord(r, cameraIdFor(r, base.cameras), nowIso, nowIso),
    );
    const byClass = classCounts(cameras, base.site.planned);
    if (values.json) {
      writeJson(io, { cameras, byClass, dropped: run.dropped, durationMs: run.durationMs, ts: nowIso });
      return 0;
    }
    io.stdout.write(`${render(cameras)}\n\n${summaryLine(byClass, run.durationMs, run.dropped.spoofed)}\n`);
    return 0;
  },
};

function render(cameras: readonly CameraRecord[]): string {
  const rows = cameras.map((c) => [
    c.id,
    c.address,
    `${c.class}${c.ptz ? '+ptz' : ''} (${Math.round(c.classConfidence * 100)}%)`,
    c.manufacturer ?? '-',
    c.model ?? '-',
    c.mac ?? '-',
    c.profiles.find((p) => p.role === 'main')?.rtspUrl ?? '-',
    c.problem ? `${c.problem.code}: ${c.problem.message}` : 'ok',
  ]);
  return formatTable(
    ['ID', 'ADDRESS', 'CLASS', 'MANUFACTURER', 'MODEL', 'MAC', 'MAIN STREAM', 'STATE'],
    rows,
  );
}

function summaryLine(byClass: ReturnType<typeof classCounts>, durationMs: number, spoofed: number): string {
  const parts = Object.entries(byClass).map(([k, v]) => `${k} ${v.installed}/${v.planned} planned`);
  return `${parts.join(' · ')} · ${durationMs} ms${spoofed ? ` · ${spoofed} spoofed replies dropped` : ''}`;
}
