import { describe, expect, it } from 'vitest';
import { STATE_SLICE, StatePublisher } from '../../src/uplink/statePublisher.js';
import { FakeClock } from '../helpers/fakeClock.js';

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

function rig(count: number) {
  const clock = FakeClock.at(Date.UTC(2026, 11, 5));
  const rows = new Map(Array.from({ length: count }, (_, i) => [`cam-${i}`, 'online']));
  const published: string[] = [];
  const publisher = new StatePublisher({
    clock,
    ids: () => [...rows.keys()],
    publishOne: (id) => {
      const status = rows.get(id);
      if (status) published.push(`${id}:${status}`);
    },
  });
  return { clock, rows, published, publisher };
}

describe('StatePublisher (issue #14: 1,024 retained states after a reconnect)', () => {
  it('publishes one slice per task, yielding between slices, and reads each row when its turn comes', async () => {
    const { clock, rows, published, publisher } = rig(STATE_SLICE * 2 + 5);
    const done = publisher.publishAll();
    expect(published).toHaveLength(STATE_SLICE);
    // Changed after the run began: the current row goes out, not a copy from the start.
    rows.set(`cam-${STATE_SLICE + 1}`, 'offline');
    rows.delete(`cam-${STATE_SLICE + 2}`);
    clock.advance(0);
    await flush();
    expect(published).toHaveLength(STATE_SLICE * 2 - 1);
    clock.advance(0);
    await flush();
    expect(await done).toBe(true);
    expect(published).toHaveLength(STATE_SLICE * 2 + 4);
    expect(published).toContain(`cam-${STATE_SLICE + 1}:offline`);
    expect(published).not.toContain(`cam-${STATE_SLICE + 1}:online`);
  });

  it('a newer run supersedes an older one, which stops at its next slice', async () => {
    const { clock, published, publisher } = rig(STATE_SLICE * 2);
    const first = publisher.publishAll();
    const second = publisher.publishAll();
    expect(published).toHaveLength(STATE_SLICE * 2);
    clock.advance(0);
    await flush();
    expect(await first).toBe(false);
    expect(await second).toBe(true);
    // The first run's second slice never went out: 2 first slices + the second run's second slice.
    expect(published).toHaveLength(STATE_SLICE * 3);
  });
});
