import { centreMain } from '../../centre/cli/main.js';
import type { CliCommand } from '../command.js';

/**
 * `camgate centre ...`: the operations centre. commands/index.ts loads this module only when the
 * command runs, so the gateway daemon (`camgate run`) never loads Kysely, the figures or the dashboard.
 */
export const centreCommand: CliCommand = {
  name: 'centre',
  usage:
    'camgate centre run [--config PATH]\n' +
    '       camgate centre report --from DATE --to DATE [--format json|csv|html] [--out FILE] [--config PATH]\n' +
    '       camgate centre check [--config PATH]   (validate centre.yaml and the site registry)\n' +
    '  --config defaults to $CAMGATE_CENTRE_CONFIG, then /etc/camgate/centre.yaml',
  run: centreMain,
};
