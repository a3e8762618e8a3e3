import type { Config } from '../../config/schema.js';
import type { Clock } from '../../shared/clock.js';
import { errorMessage } from '../../shared/errors.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

/** One line of `camgate doctor`: what was checked, the verdict, the evidence, and how to fix it. */
export interface CheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
  readonly fix?: string;
}

export interface DoctorDeps {
  readonly clock: Clock;
  readonly env: NodeJS.ProcessEnv;
  /** Undefined when the configuration did not load; checks that need it then say so. */
  readonly config: Readonly<Config> | undefined;
  readonly configPath: string;
  /** Why the configuration did not load, when it did not. */
  readonly configError?: string;
  /** Per network step (TCP connect, CONNACK, tool run). */
  readonly timeoutMs: number;
}

export type Check = (deps: DoctorDeps) => Promise<CheckResult[]>;

export function ok(name: string, detail: string): CheckResult {
  return { name, status: 'ok', detail };
}

export function warn(name: string, detail: string, fix: string): CheckResult {
  return { name, status: 'warn', detail, fix };
}

export function fail(name: string, detail: string, fix: string): CheckResult {
  return { name, status: 'fail', detail, fix };
}

/** Runs every check; a check that throws becomes a failed line instead of ending the run. */
export async function runChecks(checks: readonly Check[], deps: DoctorDeps): Promise<CheckResult[]> {
  const results = await Promise.all(
    checks.map(async (check) => {
      try {
        return await check(deps);
      } catch (err) {
        return [
          fail(check.name || 'check', `check crashed: ${errorMessage(err)}`, 'report this as a camgate bug'),
        ];
      }
    }),
  );
  return results.flat();
}

/** Resolves with `fallback` when `promise` does not settle within `ms` (clock-driven). */
export function withTimeout<T>(clock: Clock, promise: Promise<T>, ms: number, fallback: () => T): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = clock.setTimeout(() => resolve(fallback()), ms);
    promise.then(
      (v) => {
        timer.cancel();
        resolve(v);
      },
      (err: unknown) => {
        timer.cancel();
        reject(err);
      },
    );
  });
}
