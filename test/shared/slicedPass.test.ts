import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/shared/clock.js';
import { SlicedPass } from '../../src/shared/slicedPass.js';
import { FakeClock } from '../helpers/fakeClock.js';

/** FakeClock's timers, with monotonic time that work itself moves on (`spend`), as a real loop's would. */
function workClock(): { clock: Clock; fake: FakeClock; spend(ms: number): void } {
  const fake = new FakeClock({ wall: 1_700_000_000_000, mono: 0 });
  let spent = 0;
  const clock: Clock = {
    now: () => fake.now() + spent,
    monotonic: () => fake.monotonic() + spent,
    setTimeout: (fn, ms) => fake.setTimeout(fn, ms),
    setInterval: (fn, ms) => fake.setInterval(fn, ms),
    sleep: (ms, signal) => fake.sleep(ms, signal),
  };
  return { clock, fake, spend: (ms) => (spent += ms) };
}

describe('SlicedPass (#14: a pass over 1,024 cameras must not block the event loop)', () => {
  it('cuts a pass into slices of the budget, each run inside `around`, with a timer between them', () => {
    const { clock, fake, spend } = workClock();
    let slices = 0;
    const pass = new SlicedPass<number>(clock, {
      budgetMs: 8,
      around: (fire) => {
        slices += 1;
        fire();
      },
      onError: (err) => {
        throw err;
      },
    });
    const done: number[] = [];
    const starts: number[] = [];
    pass.run(
      Array.from({ length: 10 }, (_, i) => i),
      (i, now) => {
        done.push(i);
        starts.push(now);
        spend(3);
      },
    );
    // 3 ms per item, 8 ms budget: three items, then the loop gets the thread back.
    expect(done).toEqual([0, 1, 2]);
    expect(pass.busy).toBe(true);
    expect(fake.pendingTimers()).toBe(1);
    fake.advance(0);
    expect(done).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(slices).toBe(4);
    expect(pass.busy).toBe(false);
    // nowMs is read once per slice.
    expect(starts.slice(0, 4)).toEqual([0, 0, 0, 9]);
  });

  it('skips a pass asked for while one runs, skips items no longer wanted, and goes on after a throw', () => {
    const { clock, fake, spend } = workClock();
    const errors: unknown[] = [];
    const pass = new SlicedPass<string>(clock, { budgetMs: 5, onError: (err) => errors.push(err) });
    const gone = new Set<string>();
    const done: string[] = [];
    const each = (id: string): void => {
      spend(5);
      if (id === 'b') throw new Error('boom');
      done.push(id);
      gone.add('d');
    };
    pass.run(['a', 'b', 'c', 'd', 'e'], each, (id) => !gone.has(id));
    pass.run(['x'], each);
    expect(pass.skipped).toBe(1);
    fake.advance(0);
    expect(done).toEqual(['a', 'c', 'e']);
    expect(errors).toHaveLength(1);
    pass.run(['x'], each);
    expect(done).toEqual(['a', 'c', 'e', 'x']);
  });

  it('cancel drops the rest of a running pass', () => {
    const { clock, fake, spend } = workClock();
    const pass = new SlicedPass<number>(clock, { budgetMs: 1, onError: () => undefined });
    const done: number[] = [];
    pass.run([1, 2, 3], (i) => {
      done.push(i);
      spend(1);
    });
    pass.cancel();
    fake.advance(10);
    expect(done).toEqual([1]);
    expect(pass.busy).toBe(false);
    expect(fake.pendingTimers()).toBe(0);
  });
});
