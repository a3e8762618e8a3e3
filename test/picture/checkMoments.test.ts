import { describe, expect, it } from 'vitest';
import { pictureSchema } from '../../src/config/pictureSchema.js';
import { CheckGroups, groupedOffsets, nextMoment, staggerOf } from '../../src/picture/checkMoments.js';
import { THUMB_BYTES, thumbnailOf } from '../../src/picture/measures.js';
import { PictureBatcher } from '../../src/picture/pictureBatcher.js';
import { PictureService } from '../../src/picture/pictureService.js';
import { Slots } from '../../src/picture/slots.js';
import { EventBus } from '../../src/shared/events.js';
import { silentLog } from '../../src/shared/log.js';
import { FakeClock } from '../helpers/fakeClock.js';
import { emptyStore, snapshotCamera } from './helpers.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `cam-${i}`);

/** Cameras per distinct offset, in offset order. */
function groupSizes(offsets: Map<string, number>): number[] {
  const count = new Map<number, number>();
  for (const o of offsets.values()) count.set(o, (count.get(o) ?? 0) + 1);
  return [...count.entries()].sort((a, b) => a[0] - b[0]).map(([, n]) => n);
}

describe('checks started in groups whose pictures share one ffmpeg run (#14)', () => {
  it('cuts 256 cameras into 8 evenly spread groups of 32, in the order of their ids’ stagger', () => {
    const offsets = groupedOffsets(ids(256), 32);
    expect(groupSizes(offsets)).toEqual(Array(8).fill(32));
    expect([...new Set(offsets.values())].sort((a, b) => a - b)).toEqual(
      [0, 1, 2, 3, 4, 5, 6, 7].map((k) => (k + 0.5) / 8),
    );
    // A camera later in the stagger order is never in an earlier group.
    const ordered = ids(256).sort((a, b) => staggerOf(a) - staggerOf(b));
    const inOrder = ordered.map((id) => offsets.get(id) ?? -1);
    expect(inOrder).toEqual([...inOrder].sort((a, b) => a - b));
  });

  it('groups never exceed `together`; a small site is still spread (one moment per camera below 8)', () => {
    for (const n of [1, 5, 8, 9, 63, 100, 257, 1024]) {
      const sizes = groupSizes(groupedOffsets(ids(n), 32));
      expect(Math.max(...sizes), String(n)).toBeLessThanOrEqual(32);
      expect(sizes.length, String(n)).toBe(Math.max(Math.ceil(n / 32), Math.min(n, 8)));
    }
    expect(groupSizes(groupedOffsets(ids(5), 32))).toEqual([1, 1, 1, 1, 1]);
  });

  it('a camera found later joins its group’s next moment, counted from the first cameras’ tick', () => {
    expect(nextMoment(1000, 0.5, 60_000, 1000)).toBe(31_000);
    expect(nextMoment(1000, 0.5, 60_000, 50_000)).toBe(91_000);
    expect(nextMoment(1000, 0, 60_000, 61_000)).toBe(61_000);
    const groups = new CheckGroups(32);
    const all = ids(256);
    const seen = new Set<string>();
    const first = groups.firstDues(all.slice(0, 250), (id) => seen.has(id), 1000, 60_000);
    for (const id of all.slice(0, 250)) seen.add(id);
    expect(groups.firstDues(all.slice(0, 250), (id) => seen.has(id), 2000, 60_000)).toBeUndefined();
    const late = groups.firstDues(all, (id) => seen.has(id), 47_300, 60_000);
    expect([...(late?.keys() ?? [])]).toEqual(all.slice(250));
    const moments = new Set([...(first?.values() ?? [])]);
    expect(moments.size).toBe(8);
    for (const due of late?.values() ?? []) {
      expect(due).toBeGreaterThanOrEqual(47_300);
      expect(due).toBeLessThan(47_300 + 60_000);
      // The same moment of the interval as one of the first groups'.
      expect(moments.has(((due - 1000) % 60_000) + 1000)).toBe(true);
    }
  });

  it('the service starts each group’s checks at one tick, and checks every camera once per interval', async () => {
    const clock = new FakeClock({ wall: Date.UTC(2026, 11, 5, 10) });
    const sampled = new Map<string, number[]>();
    const service = groupedService(clock, ids(256), {
      sample: async (id) => sampled.set(id, [...(sampled.get(id) ?? []), clock.monotonic()]),
    });
    await service.start();
    const startedAt = clock.monotonic();
    await runFor(clock, 120_000);
    await service.stop();
    expect(sampled.size).toBe(256);
    for (const [id, at] of sampled) {
      expect(at, id).toHaveLength(2);
      expect((at[1] ?? 0) - (at[0] ?? 0), id).toBe(60_000);
    }
    const firsts = new Map<number, number>();
    for (const at of sampled.values()) firsts.set(at[0] ?? 0, (firsts.get(at[0] ?? 0) ?? 0) + 1);
    expect([...firsts.values()]).toEqual(Array(8).fill(32));
    const sorted = [...firsts.keys()].sort((a, b) => a - b);
    const moments = sorted.map((t) => t - (sorted[0] ?? 0));
    // The first mid-way through the first of 8 slots of the 60 s interval (3.75 s after the first
    // tick, which saw the cameras), then 7.5 s apart; ticks are 1 s, so each lands on the next tick.
    expect((sorted[0] ?? 0) - startedAt).toBe(5000);
    moments.forEach((t, k) => {
      expect(t).toBeGreaterThanOrEqual(k * 7500);
      expect(t).toBeLessThanOrEqual(k * 7500 + 1000);
    });
  });

  it('checks every camera in its first interval when the streams come up seconds after the start', async () => {
    const clock = new FakeClock({ wall: Date.UTC(2026, 11, 5, 10) });
    const startedAt = clock.monotonic();
    const sampled = new Map<string, number>();
    const service = groupedService(clock, ids(256), {
      streamAdvancing: () => clock.monotonic() - startedAt >= 5000,
      sample: async (id) => sampled.set(id, (sampled.get(id) ?? 0) + 1),
    });
    await service.start();
    await runFor(clock, 60_000);
    await service.stop();
    expect(sampled.size).toBe(256);
  });

  it('fills a group’s keyframe batch when one ffmpeg serves every camera (camerasPerFfmpeg ≥ cameras)', async () => {
    const clock = new FakeClock({ wall: Date.UTC(2026, 11, 5, 10) });
    const slots = new Slots(1);
    const raw = Buffer.alloc(THUMB_BYTES, 100);
    const batcher = new PictureBatcher({
      // Thumbnails handed out at once: the fake clock's sleep(0) would wait for the next tick.
      clock: { ...clockOf(clock), sleep: async () => undefined },
      slots,
      reduce: async (pictures) => pictures.map(() => raw),
      maxBatch: 64,
      maxWaitMs: () => 30_000,
    });
    const sampled = new Map<string, number>();
    const service = groupedService(clock, ids(1024), {
      intervalMinutes: 10,
      camerasPerFfmpeg: 1024,
      slots,
      sample: async (id) => {
        await Promise.all([batcher.reduce(raw), batcher.reduce(raw)]);
        sampled.set(id, (sampled.get(id) ?? 0) + 1);
      },
    });
    await service.start();
    await runFor(clock, 30 * 60_000);
    await service.stop();
    expect(sampled.size).toBe(1024);
    expect(new Set(sampled.values())).toEqual(new Set([3]));
  });
});

function clockOf(clock: FakeClock) {
  return {
    now: () => clock.now(),
    monotonic: () => clock.monotonic(),
    setTimeout: (fn: () => void, ms: number) => clock.setTimeout(fn, ms),
    setInterval: (fn: () => void, ms: number) => clock.setInterval(fn, ms),
    sleep: (ms: number, signal?: AbortSignal) => clock.sleep(ms, signal),
  };
}

async function runFor(clock: FakeClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 1000) {
    clock.advance(1000);
    await new Promise((r) => setImmediate(r));
  }
}

/** A PictureService whose checks start in groups of 32, sampling through `o.sample`. */
function groupedService(
  clock: FakeClock,
  cameraIds: readonly string[],
  o: {
    readonly sample: (id: string) => Promise<unknown>;
    readonly streamAdvancing?: () => boolean;
    readonly intervalMinutes?: number;
    readonly camerasPerFfmpeg?: number;
    readonly slots?: Slots;
  },
): PictureService {
  const cameras = cameraIds.map((id) => ({ ...snapshotCamera(id), snapshotUri: undefined }));
  const raw = new Uint8Array(THUMB_BYTES).fill(100);
  return new PictureService({
    clock,
    log: silentLog(),
    bus: new EventBus(),
    config: pictureSchema.parse({
      intervalMinutes: o.intervalMinutes ?? 1,
      ...(o.camerasPerFfmpeg ? { camerasPerFfmpeg: o.camerasPerFfmpeg } : {}),
    }),
    store: emptyStore,
    cameras: () => cameras,
    streamAdvancing: o.streamAdvancing ?? (() => true),
    sample: async (cam) => {
      await o.sample(cam.id);
      return { thumbnail: thumbnailOf(raw), next: thumbnailOf(raw) };
    },
    ffmpegSlots: o.slots ?? new Slots(1),
    samplesPerSlot: 16,
    checksTogether: 32,
  });
}
