import { parseCommandArgs } from '../args.js';
import { type CliCommand, writeJson } from '../command.js';
import { requestDaemon } from '../controlClient.js';

interface ReloadDoc {
  readonly unauthorized: readonly string[];
}

/**
 * After a technician corrected a camera password (its passwordFile): the running daemon re-reads
 * credentials and re-interrogates the site (SIGHUP does the same). Issue #12.
 */
export const reloadCommand: CliCommand = {
  name: 'reload',
  usage: 'camgate reload [--config PATH] [--json]',
  async run(args, io) {
    const { values } = parseCommandArgs('reload', args, {
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    const doc = (await requestDaemon({ flag: values.config, env: io.env }, 'POST', '/reload')) as ReloadDoc;
    if (values.json) writeJson(io, doc);
    else {
      const which = doc.unauthorized.length ? `: ${doc.unauthorized.join(', ')}` : '';
      io.stdout.write(
        `credentials re-read; cameras re-interrogated (${doc.unauthorized.length} unauthorized before${which})\n`,
      );
    }
    return 0;
  },
};
