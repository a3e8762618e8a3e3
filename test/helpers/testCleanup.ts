import { afterAll, onTestFinished } from 'vitest';
import { getCurrentTest } from 'vitest/suite';
import { cleanupAll } from '../uplink/helpers/cleanup.js';

type Step = () => Promise<unknown> | unknown;

/** One scope's cleanup: the `first` steps, then the rest; each group last-registered-first. */
class Cleanups {
  private readonly first: Step[] = [];
  private readonly rest: Step[] = [];

  add(step: Step, first: boolean): void {
    (first ? this.first : this.rest).push(step);
  }

  async run(): Promise<void> {
    const steps = [...this.first.splice(0).reverse(), ...this.rest.splice(0).reverse()];
    await cleanupAll(steps);
  }
}

/** Keyed by test: a step registered in one test never runs at the end of another. */
const perTest = new WeakMap<object, Cleanups>();
const perFile = new Cleanups();

// Registered when a test file imports this module (vitest isolates each file's module graph), so
// a helper called from `beforeAll` (any describe's) or at module level still has its process
// stopped when the file ends, after the file's own afterAll hooks.
afterAll(() => perFile.run());

/**
 * Runs `step` when the current test ends (pass, fail or timeout), or when the file ends if called
 * from `beforeAll`. Steps run last-registered-first (a daemon stops before its temp dir goes);
 * `first` steps run before all the others (same order among themselves): a broker must never
 * outlive its test, even when a later step hangs. Every step runs even if one fails; the first
 * failure is rethrown.
 */
export function deferCleanup(step: Step, options: { first?: boolean } = {}): void {
  const test = getCurrentTest();
  if (test === undefined) {
    perFile.add(step, options.first ?? false);
    return;
  }
  let scope = perTest.get(test);
  if (!scope) {
    const created = new Cleanups();
    scope = created;
    perTest.set(test, created);
    onTestFinished(async () => {
      perTest.delete(test);
      await created.run();
    });
  }
  scope.add(step, options.first ?? false);
}
