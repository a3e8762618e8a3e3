import { loadConfigFile } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import type { Clock } from '../../shared/clock.js';
import { errorMessage } from '../../shared/errors.js';
import { brokerCheck } from './brokerCheck.js';
import { type Check, type CheckResult, runChecks } from './check.js';
import { configCheck, daemonCheck, secretsCheck } from './configChecks.js';
import { credentialScopeCheck } from './credentialChecks.js';
import { diskCheck, multicastCheck } from './hostChecks.js';
import { clockCheck, ffmpegCheck } from './toolChecks.js';

/** Every check of `camgate doctor`, in display order; `camgate acceptance` runs the same. */
export const doctorChecks: readonly Check[] = [
  configCheck,
  secretsCheck,
  credentialScopeCheck,
  ffmpegCheck,
  diskCheck,
  multicastCheck,
  brokerCheck,
  clockCheck,
  daemonCheck,
];

/** Loads the config if it can (a broken one is itself a failed check) and runs every check. */
export async function runDoctor(
  configPath: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  clock: Clock,
): Promise<{ config: Readonly<Config> | undefined; results: CheckResult[] }> {
  let config: Readonly<Config> | undefined;
  let configError: string | undefined;
  try {
    config = loadConfigFile(configPath);
  } catch (err) {
    // The box checks still help when the config is broken; the config line says what is wrong.
    configError = errorMessage(err);
  }
  const results = await runChecks(doctorChecks, {
    clock,
    env,
    config,
    configPath,
    timeoutMs,
    ...(configError !== undefined ? { configError } : {}),
  });
  return { config, results };
}
