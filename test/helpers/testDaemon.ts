import { Daemon, type DaemonDeps } from '../../src/app/daemon.js';
import { silentLog } from '../../src/shared/log.js';
import { deferCleanup } from './testCleanup.js';

/** `DaemonDeps` with the test defaults filled in: a silent log and an empty environment. */
export type TestDaemonOptions = Omit<DaemonDeps, 'log'> & { readonly log?: DaemonDeps['log'] };

/**
 * Builds a `Daemon` with test defaults (`silentLog()`, `env: {}` so a `NOTIFY_SOCKET` in the
 * runner's environment is never written to), starts it, and stops it when the test ends (or the
 * file, when called from `beforeAll`). The stop is registered before the start, so a start that
 * fails half-way still stops what it started. Stopping twice is safe: a test may stop it itself.
 */
export async function startTestDaemon(options: TestDaemonOptions): Promise<Daemon> {
  const daemon = new Daemon({ log: silentLog(), env: {}, ...options });
  deferCleanup(() => daemon.stop());
  await daemon.start();
  return daemon;
}
