import { describe, expect, it } from 'vitest';
import { type Clock, systemClock } from '../../src/shared/clock.js';
import { DRAIN_SLICE_MIN_ROWS } from '../../src/uplink/drainer.js';
import { dedupe } from './helpers/centre.js';
import { cameraRow, mqttConfig } from './helpers/gateway.js';
import { useBroker, useCentre, useGateway } from './helpers/rig.js';

/**
 * The system clock, except that every read of the monotonic clock is 10 ms later than the last:
 * each publish "costs" more than a slice's 8 ms, whatever the box's speed, so the slicing shows
 * as a count instead of a timing bound.
 */
function slowWorkClock(): Clock {
  let reads = 0;
  return { ...systemClock, monotonic: () => systemClock.monotonic() + 10 * ++reads };
}

describe('outbox drain in slices (issue #14: the loop must not block during a reconnect)', () => {
  /** 40 cameras and a 300-event backlog from before the session, on the slow-work clock. */
  async function backlogRig() {
    const broker = await useBroker();
    const centre = await useCentre(broker.url);
    const gw = useGateway(mqttConfig({ url: broker.url, protocolVersion: 5 }), { clock: slowWorkClock() });
    for (let i = 2; i <= 40; i++) gw.cameras.set(`cam-${i}`, cameraRow(`cam-${i}`));
    // A backlog from before the session: one 512-row page was sent in one task before.
    for (let i = 0; i < 300; i++) {
      gw.uplink.record({
        type: 'outage.start',
        cameraId: `cam-${(i % 40) + 1}`,
        fields: { kind: 'stream', cause: 'camera_offline' },
        at: Date.parse('2026-11-20T10:00:00Z') + i * 1000,
      });
    }
    return { centre, gw };
  }

  it('a slice reads about the rows it sends: the backlog is read from SQLite about once, not a 512-row page per 32-row slice', async () => {
    const { centre, gw } = await backlogRig();
    const repo = gw.outbox.repo;
    const page = repo.page.bind(repo);
    let rowsRead = 0;
    repo.page = (afterSeq, limit) => {
      const rows = page(afterSeq, limit);
      rowsRead += rows.length;
      return rows;
    };
    await gw.uplink.start(new AbortController().signal);
    await centre.waitFor(() => gw.outbox.repo.depth === 0, 'outbox emptied by PUBACKs', 30_000);
    expect(dedupe(centre.events()).map((e) => e.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(gw.uplink.drainer.slices).toBeGreaterThanOrEqual(Math.ceil(300 / DRAIN_SLICE_MIN_ROWS));
    // The first page reads up to 512 (nothing learnt yet); after it, each slice reads what it sends.
    expect(rowsRead).toBeLessThanOrEqual(300 + 300);
  });

  it('yields between publishes once a slice has run 8 ms (past its least rows), and still delivers the backlog in seq order after birth and state', async () => {
    const { centre, gw } = await backlogRig();
    await gw.uplink.start(new AbortController().signal);
    await centre.waitFor(() => dedupe(centre.events()).length >= 300, 'the backlog', 30_000);
    await centre.waitFor(() => gw.outbox.repo.depth === 0, 'outbox emptied by PUBACKs');

    const unique = dedupe(centre.events());
    expect(unique.map((e) => e.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(unique.every((e) => e.historical === true)).toBe(true);
    // DRAIN_SLICE_MIN_ROWS per slice: each row alone ran past the budget on this clock, and a slice
    // still sends that many (a starved box must not drain one row per turn).
    expect(gw.uplink.drainer.slices).toBeGreaterThanOrEqual(Math.ceil(300 / DRAIN_SLICE_MIN_ROWS));

    const birthAt = centre.messages.findIndex(
      (m) => m.topic.endsWith('/status') && (m.json as { state?: string }).state === 'online',
    );
    const lastStateAt = centre.messages.findLastIndex((m) => m.topic.endsWith('/state'));
    const firstEventAt = centre.messages.findIndex((m) => m.topic.endsWith('/events'));
    expect(centre.on('/state').length).toBeGreaterThanOrEqual(40);
    expect(birthAt).toBeGreaterThanOrEqual(0);
    expect(birthAt).toBeLessThan(lastStateAt);
    // Every retained state went out before the backlog, the republish in slices too.
    expect(lastStateAt).toBeLessThan(firstEventAt);
  });
});
