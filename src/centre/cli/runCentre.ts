import type { CliIo } from '../../cli/command.js';
import { systemClock } from '../../shared/clock.js';
import { createLog } from '../../shared/log.js';
import { CentreService } from '../centreService.js';
import type { CentreConfig } from '../config.js';
import { CentreHttp } from '../http.js';
import { loadRegistry } from '../registry.js';
import { openCentreDb } from '../store/openDb.js';
import { storeConfig } from './main.js';

const STOP_DEADLINE_MS = 5000;

/** `camgate centre run`: the daemon in the foreground, stopped by SIGTERM/SIGINT like `camgate run`. */
export async function runCentre(config: Readonly<CentreConfig>, _io: CliIo): Promise<number> {
  const registry = loadRegistry(config.registry);
  const log = createLog({ level: config.log.level, name: 'camgate-centre' });
  const db = await openCentreDb(storeConfig(config));
  const centre = new CentreService({ config, registry, db, clock: systemClock, log });
  const http = new CentreHttp({ centre, registry, db, log });
  let stopping = false;
  const stop = async (): Promise<void> => {
    await http.stop();
    await centre.stop();
    await db.destroy();
  };
  const done = new Promise<number>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'stopping');
      const force = systemClock.setTimeout(() => {
        log.error('stop deadline passed; exiting');
        resolve(1);
      }, STOP_DEADLINE_MS);
      stop().then(
        () => {
          force.cancel();
          resolve(0);
        },
        (err: unknown) => {
          log.error({ err }, 'stop failed');
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  try {
    await centre.start();
    const port = await http.start(config.http.bind, config.http.port);
    log.info(
      {
        sites: registry.sites.length,
        url: `http://${config.http.bind}:${port}/`,
        store: config.store.driver,
      },
      'centre running',
    );
  } catch (err) {
    log.fatal({ err }, 'centre failed to start');
    await stop().catch((e: unknown) => log.error({ err: e }, 'cleanup after failed start'));
    log.flush();
    throw err;
  }
  const code = await done;
  log.flush();
  return code;
}
