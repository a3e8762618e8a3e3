import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimSite, startSite } from '../../../fixtures/sim/site.js';
import { isJpeg } from '../../../src/discovery/snapshot.js';
import { systemClock } from '../../../src/shared/clock.js';
import { grabFrame } from '../../../src/streams/ffmpeg/snapshot.js';
import { testBase } from '../../fixtures/sim/helpers.js';
import { useTempDir } from '../../helpers/tempDir.js';

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

describe('grabFrame and the wording of newer ffmpeg', () => {
  it('a 461 followed by ffmpeg 6+ "Error opening input file(s)" lines is still a refused transport, without the password', async () => {
    // This box has ffmpeg 5.1, where the 461 is among the last two lines; ffmpeg 6.1 and 7 end a
    // failed open with two more lines after it. A stand-in prints what ffmpeg 7 prints (only its
    // stderr is under test here; the real 461 path is test/streams/vlcUdp.test.ts).
    const secret = 'ffmpeg7-Secret-3';
    const err = await grabWithStandIn(`rtsp://admin:${secret}@127.0.0.1:9/sub`, 'camgate-ffmpeg7-', [
      'echo "[rtsp @ 0x55d0c8a0] method SETUP failed: 461 Unsupported Transport" >&2',
      'echo "[in#0 @ 0x55d0c890] Error opening input: Protocol not supported" >&2',
      'echo "Error opening input file $url." >&2',
      'echo "Error opening input files: Protocol not supported" >&2',
    ]);
    expect(err).toMatchObject({ code: 'RTSP_PROTOCOL', message: 'the camera refused RTP over tcp (461)' });
    expect(JSON.stringify({ message: err?.message, cause: String(err?.cause) })).not.toContain(secret);
  });

  it('a failed grab whose 2 kB stderr tail starts inside the URL names no part of the password', async () => {
    // Field bug: the FFMPEG error (log, MQTT cmd-resp, CLI) began "in:Tail-Secret-9@10.1.2.3/…".
    // The stand-in's last line is long enough for the 2 kB cut to fall inside the password.
    const err = await grabWithStandIn('rtsp://admin:Grab-Secret-5@127.0.0.1:9/sub', 'camgate-ffmpeg-cut-', [
      'printf "%s: Connection refused\\n" "$url" >&2',
      'printf "%2000s\\n" "Error opening input file." >&2',
    ]);
    expect(err).toMatchObject({ code: 'FFMPEG' });
    expect(err?.message).toContain('Error opening input file.');
    expect(err?.message).not.toContain('Secret-5');
  });
});

/**
 * grabFrame's error with a stand-in ffmpeg: a shell script that sets `$url` to the `-i` argument,
 * prints `stderr` (shell lines) and exits 1.
 */
async function grabWithStandIn(
  url: string,
  prefix: string,
  stderr: readonly string[],
): Promise<(Error & { code?: string }) | undefined> {
  const fake = path.join(useTempDir(prefix), 'ffmpeg');
  const args = 'prev=; for a in "$@"; do [ "$prev" = "-i" ] && url=$a; prev=$a; done';
  fs.writeFileSync(fake, ['#!/bin/sh', args, ...stderr, 'exit 1'].join('\n'), { mode: 0o755 });
  return grabFrame(
    { clock: systemClock },
    { url, ffmpegPath: fake, transports: ['tcp'], timeoutMs: 10_000 },
  ).then(
    () => undefined,
    (e: unknown) => e as Error & { code?: string },
  );
}
