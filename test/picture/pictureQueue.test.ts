import { describe, expect, it } from 'vitest';
import { PictureQueue } from '../../src/picture/pictureQueue.js';

describe('the picture sampling queue', () => {
  it('runs at most `limit` jobs at once and never queues a camera twice', async () => {
    const q = new PictureQueue(2, () => undefined);
    const release: (() => void)[] = [];
    const job = () => new Promise<void>((r) => release.push(r));
    expect(q.push('a', job)).toBe(true);
    expect(q.push('b', job)).toBe(true);
    expect(q.push('c', job)).toBe(true);
    expect(q.push('a', job)).toBe(false);
    expect(q.push('c', job)).toBe(false);
    expect([q.running, q.queued]).toEqual([2, 1]);
    release.shift()?.();
    await new Promise((r) => setImmediate(r));
    expect([q.running, q.queued]).toEqual([2, 0]);
    for (const r of release.splice(0)) r();
    await new Promise((r) => setImmediate(r));
    expect(q.peakRunning).toBe(2);
    expect(q.running).toBe(0);
  });

  it('a failing job frees its slot', async () => {
    const errors: string[] = [];
    const q = new PictureQueue(1, (key, err) => errors.push(`${key}: ${(err as Error).message}`));
    q.push('a', () => Promise.reject(new Error('ffmpeg died')));
    let ran = false;
    q.push('b', async () => {
      ran = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(ran).toBe(true);
    expect(errors).toEqual(['a: ffmpeg died']);
  });
});
