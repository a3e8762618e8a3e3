import { afterAll, onTestFinished } from 'vitest';
import { getCurrentTest } from 'vitest/suite';
import { cleanupAll } from '../uplink/helpers/cleanup.js';

type Step = () => Promise<unknown> | unknown;

/** One scope's cleanup: `first` steps in the order given, then the rest last-registered-first. */
class Cleanups {
  private readonly first: Step[] = [];
  private readonly stack: Step[] = [];

  add(step: Step, first: boolean): void {
    (first ? this.first : this.stack).push(step);
  }

  async run(): Promise<void> {
    const steps = [...this.first.splice(0), ...this.stack.splice(0).reverse()];
    await cleanupAll(steps);
  }
}

let perTest: Cleanups | undefined;
const perFile = new Cleanups();

// Registered when a test file imports this module (vitest isolates each file's module graph), so
// a helper called from `beforeAll` still has its process stopped when the file ends.
afterAll(() => perFile.run());

/**
 * Runs `step` when the current test ends (pass, fail or timeout), or when the file ends if called
 * from `beforeAll`. Steps run last-registered-first (a daemon stops before its temp dir goes),
 * except `first` steps, which run before all others in the order registered: a broker must never
 * outlive its test, even when a later step hangs. Every step runs even if one fails; the first
 * failure is rethrown.
 */
export function deferCleanup(step: Step, options: { first?: boolean } = {}): void {
  if (getCurrentTest() === undefined) {
    perFile.add(step, options.first ?? false);
    return;
  }
  if (!perTest) {
    const scope = new Cleanups();
    perTest = scope;
    onTestFinished(async () => {
      perTest = undefined;
      await scope.run();
    });
  }
  perTest.add(step, options.first ?? false);
}
