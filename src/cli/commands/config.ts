import { loadConfigFile, resolveConfigPath } from '../../config/load.js';
import { UsageError } from '../../shared/errors.js';
import { parseCommandArgs } from '../args.js';
import type { CliCommand } from '../command.js';

export const configCommand: CliCommand = {
  name: 'config',
  usage: 'camgate config check [PATH] [--json]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('config', args, { json: { type: 'boolean' } }, true);
    const [sub, file] = positionals;
    if (sub !== 'check' || positionals.length > 2) throw new UsageError(`usage: ${this.usage}`);
    const path = resolveConfigPath(file, io.env);
    const config = loadConfigFile(path);
    if (values.json) io.stdout.write(`${JSON.stringify({ ok: true, file: path, site: config.site.id })}\n`);
    else io.stdout.write(`${path}: ok (site ${config.site.id}, gateway ${config.gateway.id})\n`);
    return 0;
  },
};
