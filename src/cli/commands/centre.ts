import type { CliCommand } from '../command.js';

/**
 * `camgate centre ...`: the operations centre. Its code is imported only when this command runs,
 * so the gateway daemon (`camgate run`) never loads Kysely, the figures or the dashboard.
 */
export const centreCommand: CliCommand = {
  name: 'centre',
  summary: 'operations centre: ingest every gateway over MQTT, region figures, dashboard, report',
  usage:
    'camgate centre run [--config PATH]\n' +
    '       camgate centre report --from DATE --to DATE [--format json|csv|html] [--out FILE] [--config PATH]\n' +
    '       camgate centre check [--config PATH]   (validate centre.yaml and the site registry)\n' +
    '  --config defaults to $CAMGATE_CENTRE_CONFIG, then /etc/camgate/centre.yaml',
  async run(args, io) {
    const { centreMain } = await import('../../centre/cli/main.js');
    return centreMain(args, io);
  },
};
