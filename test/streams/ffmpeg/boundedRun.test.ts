import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/shared/clock.js';
import { runFfmpegBounded } from '../../../src/streams/ffmpeg/boundedRun.js';

/** Real ffmpeg (lavfi test source, no network): the bounds every thumbnail and PNG run relies on. */
const source = (realtime: boolean): string[] => [
  ...['-hide_banner', '-loglevel', 'error', '-nostdin'],
  ...(realtime ? ['-re'] : []),
  ...['-f', 'lavfi', '-i', 'testsrc=size=64x36:rate=10', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'],
];
const FRAME = 64 * 36;

describe('runFfmpegBounded (real ffmpeg)', () => {
  it('kills a run that writes more than maxBytes and says so', async () => {
    await expect(
      runFfmpegBounded(
        { clock: systemClock },
        { args: source(false), maxBytes: 10 * FRAME, timeoutMs: 20_000, what: 'frames' },
      ),
    ).rejects.toThrow('frames exceeds 23040 bytes');
  });

  it('fails a run that reaches its deadline without enough output, with the given code', async () => {
    const run = runFfmpegBounded(
      { clock: systemClock },
      {
        args: source(true),
        maxBytes: 1_000 * FRAME,
        timeoutMs: 300,
        what: 'frames',
        keepOnTimeout: 100 * FRAME,
        timeoutCode: 'RTSP_TIMEOUT',
      },
    );
    await expect(run).rejects.toMatchObject({ code: 'RTSP_TIMEOUT', message: 'no frames within 300 ms' });
  });

  it('keeps what came before the deadline when that is enough', async () => {
    const run = await runFfmpegBounded(
      { clock: systemClock },
      { args: source(true), maxBytes: 1_000 * FRAME, timeoutMs: 8_000, what: 'frames', keepOnTimeout: FRAME },
    );
    expect(run.timedOut).toBe(true);
    expect(run.stdout.length).toBeGreaterThanOrEqual(FRAME);
  });

  it('ends at once on abort, and resolves with the exit code otherwise', async () => {
    const abort = new AbortController();
    const aborted = runFfmpegBounded(
      { clock: systemClock },
      {
        args: source(true),
        maxBytes: 1_000 * FRAME,
        timeoutMs: 20_000,
        what: 'frames',
        signal: abort.signal,
      },
    );
    abort.abort();
    await expect(aborted).rejects.toThrow('frames aborted');
    const done = await runFfmpegBounded(
      { clock: systemClock },
      {
        args: [...source(false).slice(0, -1), '-frames:v', '3', 'pipe:1'],
        maxBytes: 10 * FRAME,
        timeoutMs: 20_000,
        what: 'frames',
      },
    );
    expect([done.code, done.stdout.length, done.timedOut]).toEqual([0, 3 * FRAME, false]);
  });
});
