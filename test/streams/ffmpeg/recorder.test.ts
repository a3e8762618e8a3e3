import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimSite } from '../../../fixtures/sim/site.js';
import { segmentStartMs } from '../../../src/recording/segmentName.js';
import { systemClock } from '../../../src/shared/clock.js';
import type { FfmpegProgress } from '../../../src/streams/ffmpeg/progress.js';
import { RecorderRun } from '../../../src/streams/ffmpeg/recorder.js';
import { testBase } from '../../fixtures/sim/helpers.js';
import {
  processAlive,
  SIM_PASSWORD,
  startRecordingSite,
  tempDir,
  until,
  withCredentials,
} from '../../recording/simHelpers.js';

let site: SimSite;
const dirs: string[] = [];

beforeAll(async () => {
  site = await startRecordingSite(1, testBase(31), 18310);
}, 120_000);
afterAll(async () => {
  await site?.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function camera() {
  const c = site.cameras[0];
  if (!c) throw new Error('sim camera missing');
  return c;
}

describe('RecorderRun (real ffmpeg, simulated camera)', () => {
  it('copies the stream into time-named MPEG-TS segments, reports progress, stops on SIGTERM', async () => {
    const dir = tempDir('camgate-rec-');
    dirs.push(dir);
    const progress: FfmpegProgress[] = [];
    const run = new RecorderRun(
      { url: withCredentials(camera().rtspMainUrl), dir, segmentSeconds: 2, ioTimeoutSeconds: 5 },
      { clock: systemClock, onProgress: (p) => progress.push(p) },
    );
    await run.start();
    const pid = run.pid;
    expect(pid).toBeGreaterThan(0);
    await until(() => (fs.readdirSync(dir).length >= 2 ? true : undefined), 20_000, 'two segments');
    const exit = await run.stop();
    expect(exit.requested).toBe(true);
    expect(processAlive(pid ?? 0)).toBe(false);
    const names = fs.readdirSync(dir).sort();
    for (const n of names) expect(segmentStartMs(n)).toBeGreaterThan(systemClock.now() - 120_000);
    expect(progress.some((p) => p.frame > 10 && (p.outTimeUs ?? 0) > 0)).toBe(true);
    expect(exit.tail.join('\n')).not.toContain(SIM_PASSWORD);
  });

  it('keeps a redacted stderr tail when the camera refuses the password', async () => {
    const dir = tempDir('camgate-rec-');
    dirs.push(dir);
    const wrong = 'wrong-pass-123';
    const run = new RecorderRun(
      { url: withCredentials(camera().rtspMainUrl, wrong), dir, segmentSeconds: 2, ioTimeoutSeconds: 5 },
      { clock: systemClock },
    );
    await run.start();
    const exit = await run.closed;
    expect(exit.requested).toBe(false);
    expect(exit.code).not.toBe(0);
    const text = `${exit.tail.join('\n')}\n${exit.message}`;
    expect(text).toMatch(/401|Unauthorized/);
    expect(text).not.toContain(wrong);
    // ffmpeg quotes the input URL in this error; the tail must carry it redacted.
    expect(text).toContain('rtsp://***@');
  });
});
