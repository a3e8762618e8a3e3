import { parseCommandArgs } from '../args.js';
import { type CliCommand, writeJson } from '../command.js';
import { requestDaemon } from '../controlClient.js';
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
    const doc = (await requestDaemon({ flag: values.config, env: io.env }, 'GET', '/cameras')) as {
      cameras: InventoryRow[];
    };
    if (values.json) {
      writeJson(io, doc);
      return 0;
    }
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
