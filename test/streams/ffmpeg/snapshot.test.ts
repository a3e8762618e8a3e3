import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimSite, startSite } from '../../../fixtures/sim/site.js';
import { isJpeg } from '../../../src/discovery/snapshot.js';
import { systemClock } from '../../../src/shared/clock.js';
import { grabFrame } from '../../../src/streams/ffmpeg/snapshot.js';
import { testBase } from '../../fixtures/sim/helpers.js';

/**
 * The stream-frame fallback of `camgate snapshot` through real ffmpeg against the simulator's
 * RTSP: one JPEG, the output cap, and a refused login that names the cause but not the password.
 */
let site: SimSite;
beforeAll(async () => {
  site = await startSite({ cameras: [{ kind: 'overview' }], baseAddress: testBase(175), discovery: false });
}, 120_000);
afterAll(() => site?.stop());

const url = (password: string): string => {
  const c = site.cameras[0];
  if (!c) throw new Error('no simulated camera');
  return c.rtspSubUrl.replace('rtsp://', `rtsp://${site.username}:${password}@`);
};

describe('grabFrame from an RTSP sub-stream (real ffmpeg, simulator)', () => {
  it('gives one JPEG decoded from the stream', async () => {
    const jpeg = await grabFrame({ clock: systemClock }, { url: url(site.password), timeoutMs: 20_000 });
    expect(isJpeg(jpeg)).toBe(true);
    expect(jpeg.length).toBeGreaterThan(1000);
  }, 40_000);

  it('a frame over maxBytes is refused, not buffered', async () => {
    await expect(
      grabFrame({ clock: systemClock }, { url: url(site.password), timeoutMs: 20_000, maxBytes: 500 }),
    ).rejects.toMatchObject({ code: 'FFMPEG', message: 'frame exceeds 500 bytes' });
  }, 40_000);

  it('a wrong password is an FFMPEG error naming the 401, never the password', async () => {
    const wrong = 'grab-Wrong-77';
    const err = await grabFrame({ clock: systemClock }, { url: url(wrong), timeoutMs: 20_000 }).then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string },
    );
    expect(err?.code).toBe('FFMPEG');
    expect(err?.message).toMatch(/^ffmpeg could not grab a frame: .*401/);
    expect(err?.message).not.toContain(wrong);
  }, 40_000);
});
