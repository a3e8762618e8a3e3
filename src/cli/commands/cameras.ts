import { parseCommandArgs } from '../args.js';
import type { CliCommand } from '../command.js';
import { printDaemonJson, requestDaemon } from '../controlClient.js';
import { formatTable } from '../table.js';

interface InventoryRow {
  id: string;
  address: string;
  manufacturer?: string;
  model?: string;
  serial?: string;
  mac?: string;
  class: string;
  ptz?: boolean;
  profiles?: { name: string }[];
  problem?: { code: string; message: string };
}

export const camerasCommand: CliCommand = {
  name: 'cameras',
  usage: 'camgate cameras [--config PATH] [--json]',
  async run(args, io) {
    const { values } = parseCommandArgs('cameras', args, {
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    const target = { flag: values.config, env: io.env };
    if (values.json) {
      await printDaemonJson(io, target, '/cameras');
      return 0;
    }
    const doc = (await requestDaemon(target, 'GET', '/cameras')) as { cameras: InventoryRow[] };
    const rows = doc.cameras.map((c) => [
      c.id,
      c.address,
      c.manufacturer ?? '-',
      c.model ?? '-',
      c.serial ?? '-',
      c.mac ?? '-',
      `${c.class}${c.ptz ? '+ptz' : ''}`,
      (c.profiles ?? []).map((p) => p.name).join(',') || '-',
      c.problem ? c.problem.code : 'ok',
    ]);
    io.stdout.write(
      `${formatTable(['ID', 'ADDRESS', 'MANUFACTURER', 'MODEL', 'SERIAL', 'MAC', 'CLASS', 'PROFILES', 'ONVIF'], rows)}\n`,
    );
    return 0;
  },
};
