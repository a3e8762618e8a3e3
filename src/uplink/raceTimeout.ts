import type { Clock } from '../shared/clock.js';

/**
 * Waits for `work` at most `ms`; the timer is cancelled either way so a clean stop leaves no
 * pending timer behind. Resolves true when the work finished in time.
 */
export async function raceTimeout(clock: Clock, work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: { cancel(): void } | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = clock.setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true), timeout]);
  } finally {
    timer?.cancel();
  }
}
