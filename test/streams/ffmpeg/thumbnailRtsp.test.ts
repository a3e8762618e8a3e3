import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimSite, startSite } from '../../../fixtures/sim/site.js';
import { THUMB_BYTES, THUMB_HEIGHT, THUMB_WIDTH, thumbnailOf } from '../../../src/picture/measures.js';
import { systemClock } from '../../../src/shared/clock.js';
import { reduceToThumbnail } from '../../../src/streams/ffmpeg/thumbnail.js';
import { testBase } from '../../fixtures/sim/helpers.js';
import { useSpropStrip } from '../helpers/spropStrip.js';

/**
 * The picture check's stream path through real ffmpeg against the simulator's RTSP: a camera with
 * no snapshot URI gives its two pictures (two keyframes, a GOP apart) from one ffmpeg start.
 */
let site: SimSite;
beforeAll(async () => {
  site = await startSite({ cameras: [{ kind: 'overview' }], baseAddress: testBase(174), discovery: false });
}, 120_000);
afterAll(() => site?.stop());

const url = (): string => {
  const c = site.cameras[0];
  if (!c) throw new Error('no simulated camera');
  return c.rtspSubUrl.replace('rtsp://', `rtsp://${site.username}:${site.password}@`);
};

describe('reduceToThumbnail from an RTSP sub-stream (real ffmpeg, simulator)', () => {
  it.each([1, 2] as const)(
    '%i keyframe(s) in one run: that many 128×72 thumbnails of a real picture',
    async (keyframes) => {
      const run = await reduceToThumbnail(
        { clock: systemClock },
        {
          source: { kind: 'rtsp', url: url(), transport: 'tcp', keyframes },
          width: THUMB_WIDTH,
          height: THUMB_HEIGHT,
          timeoutMs: 20_000,
        },
      );
      expect(run.raws).toHaveLength(keyframes);
      for (const raw of run.raws) {
        expect(raw.length).toBe(THUMB_BYTES);
        const t = thumbnailOf(raw);
        const mean = t.y.reduce((a, b) => a + b, 0) / t.y.length;
        // A scene, not a blank: some light and some contrast.
        expect(mean).toBeGreaterThan(16);
        expect(Math.max(...t.y) - Math.min(...t.y)).toBeGreaterThan(40);
      }
    },
    60_000,
  );

  it('the second thumbnail is the next keyframe, not a copy of the first', async () => {
    // The simulated scene moves between keyframes a GOP (1 s) apart; a frame-rate filler copy
    // of the first keyframe would be byte-identical and make every stream-path check "frozen".
    const run = await reduceToThumbnail(
      { clock: systemClock },
      {
        source: { kind: 'rtsp', url: url(), transport: 'tcp', keyframes: 2 },
        width: THUMB_WIDTH,
        height: THUMB_HEIGHT,
        timeoutMs: 20_000,
      },
    );
    const [first, second] = run.raws;
    if (!first || !second) throw new Error(`expected two thumbnails, got ${run.raws.length}`);
    expect(first.equals(second)).toBe(false);
  }, 60_000);

  it('a camera whose SDP has no sprop-parameter-sets (SPS/PPS only in-band) gives both thumbnails', async () => {
    // ffmpeg probes nothing beyond the SDP (-probesize 32 -analyzeduration 0): without the SDP's
    // parameter sets the decoder must take them from the stream itself.
    const sub = new URL(url());
    const strip = await useSpropStrip({ host: sub.hostname, port: Number(sub.port) });
    sub.hostname = '127.0.0.1';
    sub.port = String(strip.port);
    const run = await reduceToThumbnail(
      { clock: systemClock },
      {
        source: { kind: 'rtsp', url: sub.toString(), transport: 'tcp', keyframes: 2 },
        width: THUMB_WIDTH,
        height: THUMB_HEIGHT,
        timeoutMs: 20_000,
      },
    );
    expect(strip.stripped()).toBe(1);
    expect(run.raws).toHaveLength(2);
    for (const raw of run.raws) {
      const t = thumbnailOf(raw);
      expect(Math.max(...t.y) - Math.min(...t.y)).toBeGreaterThan(40);
    }
  }, 60_000);
});
