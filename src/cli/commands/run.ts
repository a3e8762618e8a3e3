import { Daemon } from '../../app/daemon.js';
import { loadConfigFile, resolveConfigPath } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { createLog, type Log } from '../../shared/log.js';
import { parseCommandArgs } from '../args.js';
import type { CliCommand } from '../command.js';

const STOP_DEADLINE_MS = 5000;

export const runCommand: CliCommand = {
  name: 'run',
  usage: 'camgate run [--config PATH]',
  async run(args, io) {
    const { values } = parseCommandArgs('run', args, { config: { type: 'string' } });
    const file = resolveConfigPath(values.config, io.env);
    const config = loadConfigFile(file);
    const log = createLog({ level: config.log.level });
    io.crash?.useLog(log);
    const daemon = new Daemon({ config, log, env: io.env, clock: io.clock });
    let stopping: Promise<void> | undefined;
    const done = new Promise<number>((resolve) => {
      const onSignal = (signal: NodeJS.Signals): void => {
        if (stopping) return;
        log.info({ signal }, 'stopping');
        // A stop that hangs must not keep systemd waiting: exit regardless after the deadline.
        const force = io.clock.setTimeout(() => {
          log.error('stop deadline passed; exiting');
          resolve(1);
        }, STOP_DEADLINE_MS);
        stopping = daemon.stop().then(() => {
          force.cancel();
          resolve(0);
        });
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
    });
    // SIGHUP: a corrected camera password is picked up without a restart (issue #12).
    process.on('SIGHUP', () => {
      if (stopping) return;
      warnIfCredentialsEdited(file, config, log);
      daemon.reload().catch((err: unknown) => log.error({ err }, 'reload failed'));
    });
    try {
      await daemon.start();
    } catch (err) {
      log.fatal({ err }, 'daemon failed to start');
      await daemon.stop();
      log.flush();
      throw err;
    }
    const code = await done;
    log.flush();
    return code;
  },
};

/**
 * Only passwordFile contents are re-read by a reload; an edited `credentials:` list (an inline
 * password, a new match) needs a restart. Say so, without naming any secret.
 */
function warnIfCredentialsEdited(file: string, running: Config, log: Log): void {
  try {
    const edited = loadConfigFile(file);
    if (JSON.stringify(edited.credentials) !== JSON.stringify(running.credentials))
      log.warn({ file }, 'credentials in the config file changed: restart camgate to use them');
  } catch (err) {
    log.warn({ err, file }, 'config file unreadable on reload; running with the loaded one');
  }
}
