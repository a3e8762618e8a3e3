import { describe, expect, it } from 'vitest';
import { PictureBatcher, type PictureBatcherDeps } from '../../src/picture/pictureBatcher.js';
import { Slots } from '../../src/picture/slots.js';
import { FakeClock } from '../helpers/fakeClock.js';

/**
 * A batcher of 3 pictures (or `options`) or 1 s over `reduce(names)`, on a fake clock; `runs` lists
 * each run's names.
 */
function batcherOver(
  reduce: (names: string[]) => Promise<Buffer[]>,
  options: Partial<Pick<PictureBatcherDeps, 'maxBatch' | 'signal'>> = {},
) {
  const clock = new FakeClock({ wall: 0 });
  const runs: string[][] = [];
  const batcher = new PictureBatcher({
    clock,
    slots: new Slots(1),
    maxBatch: 3,
    maxWaitMs: () => 1000,
    ...options,
    reduce: (pictures) => {
      const names = pictures.map(String);
      runs.push(names);
      return reduce(names);
    },
  });
  return { clock, runs, batcher };
}

/** Awaits `p` while the fake clock gives 0 ms turns (the batcher resolves one picture per turn, #14). */
async function settled<T>(clock: FakeClock, p: Promise<T>): Promise<T> {
  let done = false;
  const out = p.finally(() => {
    done = true;
  });
  while (!done) {
    clock.advance(0);
    await new Promise((r) => setImmediate(r));
  }
  return out;
}

describe('pictures reduced in batches (one ffmpeg start for many cameras)', () => {
  it('runs a full batch at once, a partial one after the wait, and one by one when a batch fails', async () => {
    const { clock, runs, batcher } = batcherOver(async (names) => {
      if (names.length > 1 && names.includes('bad')) throw new Error('count mismatch');
      if (names[0] === 'bad') throw new Error('not a JPEG');
      return names.map((n) => Buffer.from(`thumb-${n}`));
    });
    const full = await settled(
      clock,
      Promise.all(['a', 'b', 'c'].map((n) => batcher.reduce(Buffer.from(n)))),
    );
    expect(full.map(String)).toEqual(['thumb-a', 'thumb-b', 'thumb-c']);
    const late = batcher.reduce(Buffer.from('d'));
    const bad = batcher.reduce(Buffer.from('bad')).catch((err: Error) => err.message);
    await Promise.resolve();
    expect(runs).toHaveLength(1);
    await clock.advance(1000);
    expect(String(await settled(clock, late))).toBe('thumb-d');
    expect(await bad).toBe('not a JPEG');
    expect(runs).toEqual([['a', 'b', 'c'], ['d', 'bad'], ['d'], ['bad']]);
  });

  it('a batch that gives fewer thumbnails than pictures is retried in halves down to single pictures (which one went missing cannot be told)', async () => {
    // A keyframe ffmpeg decodes to nothing: the batch comes out one short, without an error.
    const { runs, batcher } = batcherOver(async (names) =>
      names.filter((n) => n !== 'empty').map((n) => Buffer.from(`thumb-${n}`)),
    );
    const results = await Promise.allSettled(['a', 'empty', 'c'].map((n) => batcher.reduce(Buffer.from(n))));
    expect(results.map((r) => (r.status === 'fulfilled' ? String(r.value) : 'rejected'))).toEqual([
      'thumb-a',
      'rejected',
      'thumb-c',
    ]);
    expect(runs).toEqual([['a', 'empty', 'c'], ['a', 'empty'], ['c'], ['a'], ['empty']]);
  });

  it('one bad picture in a full batch of 64 keyframes costs about 2·log2(64) more runs, not 64 (#14)', async () => {
    const { clock, runs, batcher } = batcherOver(
      async (names) => {
        if (names.includes('p37')) throw new Error('ffmpeg gave 63 of 64 thumbnails');
        return names.map((n) => Buffer.from(`thumb-${n}`));
      },
      { maxBatch: 64 },
    );
    const names = Array.from({ length: 64 }, (_, i) => `p${i}`);
    const results = await settled(
      clock,
      Promise.allSettled(names.map((n) => batcher.reduce(Buffer.from(n)))),
    );
    expect(
      results.map((r) => (r.status === 'fulfilled' ? String(r.value) : (r.reason as Error).message)),
    ).toEqual(names.map((n) => (n === 'p37' ? 'ffmpeg gave 63 of 64 thumbnails' : `thumb-${n}`)));
    // The full batch, then per halving the half with p37 and its good twin: 1 + 2·6.
    expect(runs).toHaveLength(13);
    expect(runs.at(-1)).toEqual(['p37']);
  });

  it('a batch failed by the daemon stopping is not retried: every picture is rejected after one run', async () => {
    const stopping = new AbortController();
    const { clock, runs, batcher } = batcherOver(
      async () => {
        stopping.abort();
        throw new Error('thumbnail aborted');
      },
      { maxBatch: 64, signal: stopping.signal },
    );
    const results = await settled(
      clock,
      Promise.allSettled(Array.from({ length: 64 }, (_, i) => batcher.reduce(Buffer.from(`p${i}`)))),
    );
    expect(results.map((r) => r.status)).toEqual(Array(64).fill('rejected'));
    expect(runs).toHaveLength(1);
  });

  it('a batch also runs once its pictures reach maxBatchBytes (keyframes of a 4K main stream are MBs each)', async () => {
    const clock = new FakeClock({ wall: 0 });
    const runs: number[][] = [];
    const batcher = new PictureBatcher({
      clock,
      slots: new Slots(1),
      maxBatch: 64,
      maxBatchBytes: 1000,
      maxWaitMs: () => 1000,
      reduce: async (pictures) => {
        runs.push(pictures.map((p) => p.length));
        return pictures.map(() => Buffer.from('thumb'));
      },
    });
    const sizes = [400, 400, 300, 50, 960, 10];
    const all = Promise.all(sizes.map((n) => batcher.reduce(Buffer.alloc(n))));
    // The third picture takes the batch to 1,100 bytes, the fifth the next to 1,010: each runs
    // with the picture that took it over, before any wait; the last one waits.
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(runs).toEqual([
      [400, 400, 300],
      [50, 960],
    ]);
    await clock.advance(1000);
    await settled(clock, all);
    expect(runs).toEqual([[400, 400, 300], [50, 960], [10]]);
  });

  it('hands out one thumbnail per 0 ms turn, in order: the checks of a batch do not all run in one task (#14)', async () => {
    const { clock, batcher } = batcherOver(async (names) => names.map((n) => Buffer.from(`thumb-${n}`)));
    const got: string[] = [];
    const all = ['a', 'b', 'c'].map((n) => batcher.reduce(Buffer.from(n)).then((t) => got.push(String(t))));
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual(['thumb-a']);
    clock.advance(0);
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual(['thumb-a', 'thumb-b']);
    clock.advance(0);
    await Promise.all(all);
    expect(got).toEqual(['thumb-a', 'thumb-b', 'thumb-c']);
  });

  it('slots cap the ffmpeg runs at once; a lowered limit lets holders finish', async () => {
    const slots = new Slots(2);
    let running = 0;
    let peak = 0;
    const release: (() => void)[] = [];
    const job = () =>
      slots.run(async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise<void>((r) => release.push(r));
        running -= 1;
      });
    const all = Promise.all([job(), job(), job(), job()]);
    await new Promise((r) => setImmediate(r));
    expect(running).toBe(2);
    while (release.length > 0 || running > 0) {
      release.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    await all;
    expect(peak).toBe(2);
    expect(slots.peakUsed).toBe(2);
  });
});
