import { describe, expect, it } from 'vitest';
import { pictureSchema } from '../../src/config/pictureSchema.js';
import { pairGapMs } from '../../src/picture/checkGrabs.js';
import { THUMB_BYTES, type Thumbnail, thumbnailOf } from '../../src/picture/measures.js';
import { PictureService, type PictureServiceDeps } from '../../src/picture/pictureService.js';
import { Slots } from '../../src/picture/slots.js';
import { EventBus } from '../../src/shared/events.js';
import { silentLog } from '../../src/shared/log.js';
import { FakeClock } from '../helpers/fakeClock.js';
import { emptyStore, snapshotCamera } from './helpers.js';

const camera = (id: string) => snapshotCamera(id);

function flat(level: number): Thumbnail {
  const raw = new Uint8Array(THUMB_BYTES).fill(128);
  raw.fill(level, 0, (THUMB_BYTES * 2) / 3);
  return thumbnailOf(raw);
}

const store = emptyStore;

/**
 * A service checking every minute, ticked 1 s at a time for three minutes; the verdicts it told as
 * `id status reasons`.
 */
async function runThreeMinutes(
  clock: FakeClock,
  deps: Pick<PictureServiceDeps, 'cameras' | 'streamAdvancing' | 'sample'>,
): Promise<{ service: PictureService; verdicts: string[] }> {
  const bus = new EventBus();
  const verdicts: string[] = [];
  bus.on('picture.verdict', (v) =>
    verdicts.push(`${v.cameraId} ${v.view.status} ${v.view.reasons.join('+')}`),
  );
  const service = new PictureService({
    clock,
    log: silentLog(),
    bus,
    config: pictureSchema.parse({ intervalMinutes: 1 }),
    store,
    ...deps,
    ffmpegSlots: new Slots(1),
    samplesPerSlot: 16,
  });
  await service.start();
  for (let s = 0; s < 180; s++) {
    clock.advance(1000);
    await new Promise((r) => setImmediate(r));
  }
  await service.stop();
  return { service, verdicts };
}

describe('PictureService: staggered, bounded sampling (issue #17)', () => {
  it('samples each advancing camera once per interval at its own offset; skips stalled ones; a failure changes nothing', async () => {
    const clock = new FakeClock({ wall: Date.UTC(2026, 11, 5, 10) });
    const cameras = ['a', 'b', 'c', 'stalled', 'broken'].map(camera);
    const sampled: { id: string; at: number }[] = [];
    const { service, verdicts } = await runThreeMinutes(clock, {
      cameras: () => cameras,
      streamAdvancing: (id) => id !== 'stalled',
      sample: async (cam) => {
        sampled.push({ id: cam.id, at: clock.monotonic() });
        if (cam.id === 'broken') throw new Error('snapshot: HTTP 500');
        return { thumbnail: flat(4) };
      },
    });
    // Each check grabs twice, the second a few seconds after the first (frozen is judged within it).
    const grabs = (id: string) => sampled.filter((x) => x.id === id).map((x) => x.at);
    // A check whose first grab fails takes no second.
    const times = (id: string) => grabs(id).filter((_, i) => id === 'broken' || i % 2 === 0);
    for (const id of ['a', 'b', 'c']) {
      const g = grabs(id);
      expect(g.length, id).toBe(6);
      for (let i = 0; i < 6; i += 2) {
        // The fake clock steps 1 s at a time.
        const gap = (g[i + 1] ?? 0) - (g[i] ?? 0);
        expect(gap, id).toBeGreaterThanOrEqual(pairGapMs(60_000));
        expect(gap, id).toBeLessThanOrEqual(pairGapMs(60_000) + 1000);
      }
    }
    for (const id of ['a', 'b', 'c', 'broken']) {
      const t = times(id);
      expect(t.length, id).toBe(3);
      expect((t[1] ?? 0) - (t[0] ?? 0), id).toBeCloseTo(60_000, -4);
    }
    expect(times('stalled')).toEqual([]);
    // Spread over the first interval by id (a tick is 1 s, so two ids may share a second).
    const firsts = ['a', 'b', 'c', 'broken'].map((id) => times(id)[0] ?? 0);
    expect(new Set(firsts).size).toBeGreaterThanOrEqual(3);
    for (const t of firsts) expect(t).toBeLessThanOrEqual(61_000);
    // The same black picture grab after grab: dark and frozen (the stream advances) both at the
    // second check; a failing camera reports nothing.
    expect(verdicts.filter((v) => v.startsWith('a '))).toEqual([
      'a learning ',
      'a degraded picture_dark+picture_frozen',
      'a degraded picture_dark+picture_frozen',
    ]);
    expect(verdicts.some((v) => v.startsWith('broken'))).toBe(false);
    expect(service.stats()).toMatchObject({ samples: 9, failures: 3 });
  });

  it('a camera without a snapshot URI is grabbed once per check: its stream grab brings the second picture (next keyframe) along', async () => {
    const clock = new FakeClock({ wall: Date.UTC(2026, 11, 5, 10) });
    const streamOnly = ['s1', 's2'].map((id) => ({ ...camera(id), snapshotUri: undefined }));
    const calls: string[] = [];
    const { verdicts } = await runThreeMinutes(clock, {
      cameras: () => streamOnly,
      streamAdvancing: () => true,
      // s1's encoder repeats one picture; s2's stream gave only one keyframe before its deadline.
      sample: async (cam) => {
        calls.push(cam.id);
        return cam.id === 's1' ? { thumbnail: flat(4), next: flat(4) } : { thumbnail: flat(4) };
      },
    });
    expect(calls.filter((c) => c === 's1')).toHaveLength(3);
    expect(calls.filter((c) => c === 's2')).toHaveLength(3);
    // Frozen at the second check from the pair within each check, as with two snapshots.
    expect(verdicts.filter((v) => v.startsWith('s1 '))).toEqual([
      's1 learning ',
      's1 degraded picture_dark+picture_frozen',
      's1 degraded picture_dark+picture_frozen',
    ]);
  });
});
