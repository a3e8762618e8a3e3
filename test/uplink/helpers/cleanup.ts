/**
 * Runs every cleanup step even when one fails (a failed step must not leave a broker running),
 * then rethrows the first failure.
 */
export async function cleanupAll(steps: ReadonlyArray<() => Promise<unknown> | unknown>): Promise<void> {
  let first: unknown;
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      first ??= err;
    }
  }
  if (first !== undefined) throw first;
}
