import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimSite, startSite } from '../../fixtures/sim/site.js';
import { systemClock } from '../../src/shared/clock.js';
import { silentLog } from '../../src/shared/log.js';
import { LiveSession } from '../../src/streams/live/liveSession.js';
import { testBase } from '../fixtures/sim/helpers.js';
import { cliBuilt } from '../helpers/cli.js';
import { alive, ffmpegChildren, startLiveCli, until } from '../helpers/live.js';
import {
  type CanvasSample,
  decodedPictures,
  launchChromium,
  noChromium,
  openLivePage,
  sampleCanvas,
  waitForDecoded,
} from '../helpers/liveBrowser.js';
import { deferCleanup } from '../helpers/testCleanup.js';

/**
 * The live page in a real browser (Debian's chromium driven by playwright-core): JSMpeg decodes the
 * simulator's testsrc2 picture into the canvas. Skips where chromium is not installed.
 */
describe.skipIf(noChromium !== '')(`live page in chromium${noChromium ? ` (${noChromium})` : ''}`, () => {
  let site: SimSite;
  let browser: Browser;
  beforeAll(async () => {
    site = await startSite({ cameras: [{ kind: 'overview' }], baseAddress: testBase(94), discovery: false });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await site?.stop();
  });

  /** A picture, not a blank canvas: testsrc2 has colour bars, gradients and moving shapes. */
  function expectPicture(s: CanvasSample): void {
    expect([s.width, s.height]).toEqual([640, 360]);
    expect(s.opaque).toBe(1);
    expect(s.lumaVariance).toBeGreaterThan(100);
    expect(s.colours).toBeGreaterThan(20);
  }

  it('plays for two viewers, the second joining a running ffmpeg; ffmpeg stops after both leave', async () => {
    const s = new LiveSession({
      clock: systemClock,
      log: silentLog(),
      cameraId: 'cam-1',
      rtspUrl:
        site.cameras[0]?.rtspMainUrl.replace('rtsp://', `rtsp://${site.username}:${site.password}@`) ?? '',
      port: 0,
      idleGraceMs: 300,
    });
    await s.start();
    deferCleanup(() => s.stop());
    const url = `http://127.0.0.1:${s.port}/`;

    const first = await openLivePage(browser, url);
    deferCleanup(() => first.page.close());
    await waitForDecoded(first.page, 25);
    const pid = await until('ffmpeg', () => s.ffmpegPid);
    expectPicture(await sampleCanvas(first.page));

    // Issue #7: the late joiner's JSMpeg threw "RangeError: offset is out of bounds".
    const second = await openLivePage(browser, url);
    deferCleanup(() => second.page.close());
    await waitForDecoded(second.page, 25);
    expectPicture(await sampleCanvas(second.page));
    expect(ffmpegChildren(process.pid)).toEqual([pid]); // one ffmpeg for both
    const before = await decodedPictures(first.page);
    await waitForDecoded(first.page, before + 10); // the first still plays
    expect(first.errors).toEqual([]);
    expect(second.errors).toEqual([]);

    await first.page.close();
    await second.page.close();
    await until('ffmpeg gone', () => !alive(pid), 10_000);
    expect(ffmpegChildren(process.pid)).toEqual([]);
  }, 120_000);

  describe('camgate live (subprocess)', () => {
    it.skipIf(!cliBuilt)(
      'plays in the browser, and on Ctrl-C exits 0 with its ffmpeg gone',
      async () => {
        const live = await startLiveCli(site);
        deferCleanup(live.cleanup);
        const { child: c, port, exited } = live;
        const viewer = await openLivePage(browser, `http://127.0.0.1:${port}/`);
        deferCleanup(() => viewer.page.close());
        await waitForDecoded(viewer.page, 25);
        expectPicture(await sampleCanvas(viewer.page));
        expect(viewer.errors).toEqual([]);
        const ffmpeg = await until('ffmpeg child', () => ffmpegChildren(c.pid ?? 0)[0]);

        // Ctrl-C while the page still watches.
        process.kill(c.pid ?? 0, 'SIGINT');
        expect(await exited).toBe(0);
        expect(alive(ffmpeg)).toBe(false);
        expect(live.output()).not.toContain(site.password);
      },
      120_000,
    );
  });
});
