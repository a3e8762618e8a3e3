import { describe, expect, it } from 'vitest';
import {
  STATE_MAX_SLICES,
  STATE_SLICE,
  STATE_SLICE_MS,
  StatePublisher,
} from '../../src/uplink/statePublisher.js';
import { FakeClock } from '../helpers/fakeClock.js';

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

/** One turn of the event loop: the 0 ms timer between two slices fires. */
const turn = async (clock: FakeClock): Promise<void> => {
  clock.advance(0);
  await flush();
};

function rig(count: number, costMs = 0) {
  const clock = FakeClock.at(Date.UTC(2026, 11, 5));
  const rows = new Map(Array.from({ length: count }, (_, i) => [`cam-${i}`, 'online']));
  const published: string[] = [];
  const publisher = new StatePublisher({
    clock,
    ids: () => [...rows.keys()],
    publishOne: (id) => {
      const status = rows.get(id);
      if (status) published.push(`${id}:${status}`);
      // What one payload costs (stringify + an MQTT packet); the fake clock moves only by it.
      if (costMs > 0) clock.advance(costMs);
    },
  });
  return { clock, rows, published, publisher };
}

describe('StatePublisher (issue #14: 1,024 retained states after a reconnect)', () => {
  it('publishes nothing in the calling task (the birth task ends first), then one slice per turn, reading each row when its turn comes', async () => {
    const { clock, rows, published, publisher } = rig(STATE_SLICE * 2 + 5);
    const done = publisher.publishAll();
    expect(published).toHaveLength(0);
    await turn(clock);
    expect(published).toHaveLength(STATE_SLICE);
    // Changed after the run began: the current row goes out, not a copy from the start.
    rows.set(`cam-${STATE_SLICE + 1}`, 'offline');
    rows.delete(`cam-${STATE_SLICE + 2}`);
    await turn(clock);
    expect(published).toHaveLength(STATE_SLICE * 2 - 1);
    await turn(clock);
    expect(await done).toBe(true);
    expect(published).toHaveLength(STATE_SLICE * 2 + 4);
    expect(published).toContain(`cam-${STATE_SLICE + 1}:offline`);
    expect(published).not.toContain(`cam-${STATE_SLICE + 1}:online`);
  });

  /** Runs a whole republish, one turn at a time; the number of cameras each turn published. */
  async function sliceSizes(count: number, costMs: number): Promise<number[]> {
    const { clock, published, publisher } = rig(count, costMs);
    const done = publisher.publishAll();
    const sizes: number[] = [];
    let seen = 0;
    while (published.length < count) {
      await turn(clock);
      sizes.push(published.length - seen);
      seen = published.length;
    }
    expect(await done).toBe(true);
    expect(publisher.slices).toBe(sizes.length);
    // Every camera once, in order.
    expect(published).toEqual(Array.from({ length: count }, (_, i) => `cam-${i}:online`));
    return sizes;
  }

  it('ends a slice once it has run STATE_SLICE_MS, however few cameras that was (165 ms blocks at 128 per slice)', async () => {
    // 3 ms per camera: a slice ends after the camera that reaches 8 ms, i.e. 3 cameras.
    const perSlice = Math.ceil(STATE_SLICE_MS / 3);
    const sizes = await sliceSizes(96, 3);
    expect(Math.max(...sizes)).toBe(perSlice);
    expect(sizes).toHaveLength(Math.ceil(96 / perSlice));
  });

  it('takes at most STATE_MAX_SLICES turns however slow each camera is (a starved box: 48 s for 1,024 states)', async () => {
    // 20 ms per camera (wall time on a box at load 20): each slice still publishes 1/32 of them.
    const sizes = await sliceSizes(1024, 20);
    expect(sizes).toHaveLength(STATE_MAX_SLICES);
    expect(Math.min(...sizes)).toBe(1024 / STATE_MAX_SLICES);
  });

  it('a newer run supersedes an older one, which stops at its next slice and resolves only when the newer one is done', async () => {
    const { clock, published, publisher } = rig(STATE_SLICE * 2);
    let firstOver = false;
    const first = publisher.publishAll().finally(() => {
      firstOver = true;
    });
    await turn(clock);
    expect(published).toHaveLength(STATE_SLICE);
    const second = publisher.publishAll();
    await turn(clock);
    // The session's drain awaits the first run: its events must not overtake the second's states.
    expect(firstOver).toBe(false);
    await turn(clock);
    expect(await second).toBe(true);
    expect(await first).toBe(false);
    expect(firstOver).toBe(true);
    // The first run's second slice never went out: its first slice + the whole second run.
    expect(published).toHaveLength(STATE_SLICE * 3);
  });
});
