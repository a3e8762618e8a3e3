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

  it('a request during a pass is coalesced into one rerun after it; each caller waits for a pass that started after its request', async () => {
    const { clock, published, publisher } = rig(STATE_SLICE * 2);
    let firstOver = false;
    const first = publisher.publishAll().finally(() => {
      firstOver = true;
    });
    await turn(clock);
    expect(published).toHaveLength(STATE_SLICE);
    // Two requests mid-pass (a heartbeat, the centre's state): one rerun, one summary between them.
    const second = publisher.publishAll();
    const third = publisher.publishAll();
    await turn(clock);
    // The running pass is not cut short: it ends, and its caller goes on.
    expect(await first).toBe(true);
    expect(firstOver).toBe(true);
    expect(published).toHaveLength(STATE_SLICE * 2);
    let secondOver = false;
    void second.finally(() => {
      secondOver = true;
    });
    await turn(clock);
    // The requests made mid-pass wait for the rerun, which started after them.
    expect(secondOver).toBe(false);
    await turn(clock);
    expect([await second, await third]).toEqual([true, false]);
    expect(published).toHaveLength(STATE_SLICE * 4);
    expect(published.slice(STATE_SLICE * 2)).toEqual(published.slice(0, STATE_SLICE * 2));
  });

  it('a republish that outlasts two heartbeats: the drain still starts, after the states, with one rerun for both', async () => {
    const clock = FakeClock.at(Date.UTC(2026, 11, 5));
    const log: string[] = [];
    let summaries = 0;
    const publisher = new StatePublisher({
      clock,
      ids: () => Array.from({ length: 10 }, (_, i) => `cam-${i}`),
      publishOne: (id) => {
        log.push(id);
        // A starved box: each state takes 2.5 s, the whole pass 25 s, past the 10 s heartbeats
        // (the minimum heartbeatSeconds), which fire late, when the loop is free again.
        clock.block(2_500);
      },
    });
    const publishAllState = async (): Promise<void> => {
      if (await publisher.publishAll()) summaries += 1;
    };
    // The uplink's order: the heartbeat timer, then a session: states, then the backlog.
    clock.setInterval(() => void publishAllState(), 10_000);
    void publishAllState().then(() => log.push('backlog'));
    for (let i = 0; i < 100 && summaries < 2; i++) await turn(clock);
    const states = Array.from({ length: 10 }, (_, i) => `cam-${i}`);
    expect(log.slice(0, 11)).toEqual([...states, 'backlog']);
    // The heartbeats at 10 s and 20 s made one rerun, not two (nor a pass cut short and redone).
    expect(summaries).toBe(2);
    expect(log.filter((e) => e !== 'backlog')).toEqual([...states, ...states]);
  });
});
