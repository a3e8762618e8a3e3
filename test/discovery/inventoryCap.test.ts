import { describe, expect, it } from 'vitest';
import type { InventoryEvent, StoredCamera } from '../../src/discovery/inventory.js';
import { CapTracker, capInventory } from '../../src/discovery/inventoryCap.js';
import type { CameraRecord } from '../../src/shared/types.js';

function record(id: string): CameraRecord {
  return {
    id,
    address: `10.0.0.${id.replace(/\D/g, '') || '1'}`,
    source: 'onvif',
    class: 'overview',
    ptz: false,
    classConfidence: 1,
    classEvidence: [],
    profiles: [],
    firstSeenAt: '2026-12-05T10:00:00.000Z',
    lastSeenAt: '2026-12-05T10:00:00.000Z',
  };
}
const stored = (id: string, removed = false): StoredCamera => ({
  record: record(id),
  missedSweeps: 0,
  removed,
});
const added = (id: string): InventoryEvent => ({ type: 'camera.added', camera: record(id) });
const ids = (xs: readonly StoredCamera[]) => xs.map((x) => `${x.record.id}${x.removed ? '(removed)' : ''}`);
const none = () => false;

describe('capInventory (#13 item 9: the inventory holds at most discovery.maxCameras)', () => {
  it('under the cap nothing is left out', () => {
    const r = capInventory(
      { next: [stored('c1'), stored('c2')], events: [added('c2')] },
      [stored('c1')],
      2,
      none,
    );
    expect(ids(r.next)).toEqual(['c1', 'c2']);
    expect(r.events).toHaveLength(1);
    expect(r.ignored).toEqual([]);
  });

  it('over the cap, the last new devices found are left out, with their camera.added; known cameras stay', () => {
    const next = ['c1', 'c2', 'c3', 'c4', 'c5'].map((id) => stored(id));
    const events = ['c3', 'c4', 'c5'].map(added);
    const r = capInventory({ next, events }, [stored('c1'), stored('c2')], 3, none);
    expect(ids(r.next)).toEqual(['c1', 'c2', 'c3']);
    expect(r.events.map((e) => e.camera.id)).toEqual(['c3']);
    expect(r.ignored.sort()).toEqual(['c4', 'c5']);
  });

  it('a configured camera is admitted before an unknown newcomer', () => {
    const next = ['c1', 'c2', 'c3'].map((id) => stored(id));
    const r = capInventory(
      { next, events: ['c2', 'c3'].map(added) },
      [stored('c1')],
      2,
      (c) => c.id === 'c3',
    );
    expect(ids(r.next)).toEqual(['c1', 'c3']);
    expect(r.ignored).toEqual(['c2']);
  });

  it('known cameras are never dropped, even above a lowered cap; updates and removals pass', () => {
    const next = [stored('c1'), stored('c2'), stored('c3'), stored('c4', true)];
    const events: InventoryEvent[] = [
      { type: 'camera.updated', camera: record('c2'), previous: record('c2') },
      { type: 'camera.removed', camera: record('c4') },
    ];
    const r = capInventory({ next, events }, next, 1, none);
    expect(ids(r.next)).toEqual(ids(next));
    expect(r.events).toEqual(events);
    expect(r.ignored).toEqual([]);
  });

  it('a removed camera that came back but is left out stays as it was (removed), not forgotten', () => {
    const next = [stored('c1'), stored('c2')];
    const r = capInventory({ next, events: [added('c2')] }, [stored('c1'), stored('c2', true)], 1, none);
    expect(ids(r.next)).toEqual(['c1', 'c2(removed)']);
    expect(r.ignored).toEqual(['c2']);
  });
});

describe('CapTracker: once per crossing, cleared below the cap', () => {
  it('raises on reaching, says nothing on a sweep that changes nothing, counts distinct ignored, clears below', () => {
    const t = new CapTracker(2);
    // The first pass always tells the state as found (a restart may find it changed).
    expect(t.update(1, [])).toMatchObject({ changed: true, edge: undefined, state: { reached: false } });
    expect(t.update(1, [])).toMatchObject({ changed: false, edge: undefined });
    expect(t.update(2, ['x'])).toEqual({
      changed: true,
      edge: 'reached',
      state: { maxCameras: 2, reached: true, cameras: 2, ignored: 1 },
    });
    // The next sweep leaves the same device out: no news.
    expect(t.update(2, ['x'])).toMatchObject({ changed: false, edge: undefined });
    // A second device left out: the count grows, still no edge.
    expect(t.update(2, ['x', 'y'])).toEqual({
      changed: true,
      edge: undefined,
      state: { maxCameras: 2, reached: true, cameras: 2, ignored: 2 },
    });
    // Below the cap: cleared once, telling how many were left out while it held.
    expect(t.update(1, [])).toEqual({
      changed: true,
      edge: 'cleared',
      state: { maxCameras: 2, reached: false, cameras: 1, ignored: 2 },
    });
    expect(t.state()).toEqual({ maxCameras: 2, reached: false, cameras: 1, ignored: 0 });
    expect(t.update(1, [])).toMatchObject({ changed: false, edge: undefined });
    // A new episode counts afresh.
    expect(t.update(2, [])).toMatchObject({ edge: 'reached', state: { ignored: 0 } });
  });
});
