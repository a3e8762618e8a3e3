import { type Browser, chromium, type Page } from 'playwright-core';
import { chromiumPath } from '../report/chromium.js';

export { chromiumPath };
export const noChromium = chromiumPath
  ? ''
  : 'chromium is not installed (apt-get install chromium): the live page is not played';

/** Debian's chromium through playwright-core (never playwright's own browsers); loopback only. */
export function launchChromium(): Promise<Browser> {
  if (!chromiumPath) throw new Error(noChromium);
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--no-first-run',
    ],
  });
}

/** What a page saw: errors thrown in it (JSMpeg's RangeError was one) and console errors. */
export interface WatchedPage {
  readonly page: Page;
  readonly errors: string[];
}

export async function openLivePage(browser: Browser, url: string): Promise<WatchedPage> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  await page.goto(url);
  return { page, errors };
}

/** Pictures JSMpeg decoded in this page (`#decoded`). */
export async function decodedPictures(page: Page): Promise<number> {
  return Number(await page.locator('#decoded').textContent());
}

export async function waitForDecoded(page: Page, atLeast: number, timeoutMs = 45_000): Promise<void> {
  // A string: the project's TypeScript has no DOM types, this runs in the page.
  await page.waitForFunction(
    `Number(document.getElementById('decoded').textContent) >= ${atLeast}`,
    undefined,
    {
      timeout: timeoutMs,
      polling: 100,
    },
  );
}

export interface CanvasSample {
  readonly width: number;
  readonly height: number;
  /** Variance of luma over the canvas: 0 for a blank (one-colour) canvas. */
  readonly lumaVariance: number;
  /** Distinct colours, quantised to 4 bits per channel. */
  readonly colours: number;
  /** Share of fully opaque pixels: a canvas nothing was drawn on is transparent. */
  readonly opaque: number;
}

/** Reads the canvas the player draws into (2D: the page disables WebGL). */
const SAMPLE_CANVAS = `(() => {
  const c = document.getElementById('video');
  const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
  let sum = 0, sq = 0, opaque = 0;
  const colours = new Set();
  const n = data.length / 4;
  for (let i = 0; i < data.length; i += 4) {
    const y = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
    sum += y; sq += y * y;
    if (data[i + 3] === 255) opaque += 1;
    colours.add(((data[i] >> 4) << 8) | ((data[i + 1] >> 4) << 4) | (data[i + 2] >> 4));
  }
  const mean = sum / n;
  return { width: c.width, height: c.height, lumaVariance: sq / n - mean * mean, colours: colours.size, opaque: opaque / n };
})()`;

export async function sampleCanvas(page: Page): Promise<CanvasSample> {
  const s: unknown = await page.evaluate(SAMPLE_CANVAS);
  if (typeof s !== 'object' || s === null || !('lumaVariance' in s)) throw new Error('canvas sample failed');
  return s as CanvasSample;
}
