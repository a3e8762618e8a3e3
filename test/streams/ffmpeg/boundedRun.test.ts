import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/shared/clock.js';
import { runFfmpegBounded } from '../../../src/streams/ffmpeg/boundedRun.js';
import { transportRefused } from '../../../src/streams/ffmpeg/rtspTransport.js';

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

/**
 * A stand-in ffmpeg (node printing the given stderr, exit 1): only the runner's handling of
 * stderr is under test. Field bug: the 2 kB cut went through a stream URL, redaction no longer
 * saw its `rtsp://`, and "in:Tail-Secret-9@10.1.2.3/stream …" reached the FFMPEG error.
 */
const SECRET = 'Tail-Secret-9';
const URL_TEXT = `rtsp://admin:${SECRET}@10.1.2.3/stream`;
const fakeRun = (stderr: string) =>
  runFfmpegBounded(
    { clock: systemClock },
    {
      ffmpegPath: process.execPath,
      args: ['-e', 'process.stderr.write(process.argv[1]); process.exitCode = 1', stderr],
      maxBytes: 1_000,
      timeoutMs: 20_000,
      what: 'frame',
    },
  );
/** `before` then the URL, cut by the 2 kB bound `inUrl` characters into the URL, then `after`. */
const cutThroughUrl = (before: string, inUrl: number, after: string): string => {
  const rest = URL_TEXT.slice(inUrl);
  const fill = 2048 - rest.length - after.length;
  if (fill < 0) throw new Error('after is too long');
  return `${before}${URL_TEXT.slice(0, inUrl)}${rest}${'.'.repeat(fill)}${after}`;
};

describe('runFfmpegBounded stderr: redacted before the 2 kB cut (stand-in ffmpeg)', () => {
  it('a cut through a URL on the second last line leaks nothing and keeps the last line', async () => {
    const stderr = cutThroughUrl('x'.repeat(500), 'rtsp://adm'.length, '\nError opening input files: 401');
    expect(stderr.slice(-2048).startsWith('in:Tail-Secret-9@')).toBe(true);
    const run = await fakeRun(stderr);
    expect(`${run.why}|${run.stderrTail}`).not.toContain(SECRET);
    expect(run.why).toContain('Error opening input files: 401');
    expect(run.code).toBe(1);
  });

  it('no newline at all: the cut line leaks nothing and its end is kept', async () => {
    const run = await fakeRun(
      cutThroughUrl('[rtsp @ 0x1] ', 'rtsp://admin:Ta'.length, ' 461 Unsupported transport'),
    );
    expect(`${run.why}|${run.stderrTail}`).not.toContain(SECRET);
    expect(`${run.why}|${run.stderrTail}`).not.toContain('il-Secret');
    expect(run.stderrTail).toMatch(/461 Unsupported transport$/);
  });

  it('only a trailing newline: the 461 ending the cut line is still found, without the password', async () => {
    const stderr = cutThroughUrl(
      'a\nb\n',
      'rtsp://ad'.length,
      ': method SETUP failed: 461 Unsupported transport\n',
    );
    const run = await fakeRun(stderr);
    expect(`${run.why}|${run.stderrTail}`).not.toContain(SECRET);
    expect(transportRefused(run.stderrTail)).toBe(true);
    expect(run.why).toMatch(/461 Unsupported transport$/);
  });

  it('a 461 on a complete line is still found when the stderr is exactly 2 kB (not cut)', async () => {
    const first = `[rtsp @ 0x1] method SETUP failed: 461 Unsupported transport ${URL_TEXT}\n`;
    const stderr = `${first}${'.'.repeat(2048 - first.length - 40)}${'\n'}${'Error opening input files: end'.padEnd(39, '.')}`;
    expect(stderr).toHaveLength(2048);
    const run = await fakeRun(stderr);
    expect(transportRefused(run.stderrTail)).toBe(true);
    expect(run.stderrTail).toContain('rtsp://***@10.1.2.3/stream');
    expect(`${run.why}|${run.stderrTail}`).not.toContain(SECRET);
  });
});
