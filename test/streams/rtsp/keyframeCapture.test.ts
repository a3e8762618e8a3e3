import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/shared/clock.js';
import { CamgateError } from '../../../src/shared/errors.js';
import { silentLog } from '../../../src/shared/log.js';
import { systemNet } from '../../../src/shared/net.js';
import { reduceToThumbnail, type ThumbnailSource } from '../../../src/streams/ffmpeg/thumbnail.js';
import { RtspSession, type RtspSessionOptions } from '../../../src/streams/rtsp/rtspSession.js';
import { useTempDir } from '../../helpers/tempDir.js';
import { deferCleanup } from '../../helpers/testCleanup.js';
import { GstServer } from '../helpers/gstServer.js';
import { playing } from '../helpers/playing.js';
import { makeRawH264, makeStillH264 } from '../helpers/rawH264.js';

const deps = { clock: systemClock, net: systemNet, log: silentLog() };
const W = 64;
const H = 36;

async function server(file: string): Promise<GstServer> {
  const s = await GstServer.start({ source: 'raw-h264', file, fps: 25, timestamps: 'valid' });
  deferCleanup(() => s.close());
  return s;
}

async function session(peer: GstServer, o: Partial<RtspSessionOptions> = {}): Promise<RtspSession> {
  const s = new RtspSession(deps, { url: peer.url, stepTimeoutMs: 5000, stallMs: 10_000, ...o });
  deferCleanup(() => s.stop());
  s.start();
  await playing(s, peer);
  return s;
}

async function thumb(source: ThumbnailSource): Promise<Buffer[]> {
  const r = await reduceToThumbnail(
    { clock: systemClock },
    { source, width: W, height: H, timeoutMs: 20_000 },
  );
  return [...r.raws];
}

function meanDiff(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < W * H; i++) sum += Math.abs((a[i] as number) - (b[i] as number));
  return sum / (W * H);
}

describe('keyframes captured from a playing RtspSession (GStreamer RTSP server, real x264)', () => {
  for (const transport of ['tcp', 'udp'] as const) {
    it(`over ${transport}: two keyframes whose thumbnails are exactly what ffmpeg's own RTSP client gives`, async () => {
      const dir = useTempDir('camgate-kfcap-');
      const peer = await server(await makeStillH264(dir));
      const s = await session(peer, { transports: [transport] });
      expect(s.transport).toBe(transport);
      const grab = s.captureKeyframes({ count: 2, timeoutMs: 15_000, signal: new AbortController().signal });
      const [first, second] = [await grab.first, await grab.second];
      expect(grab.codec).toBe('h264');
      expect(second).toBeDefined();
      const [a, b] = await thumb({ kind: 'annexb', codec: 'h264', units: [first, second as Buffer] });
      const [viaFfmpeg] = await thumb({ kind: 'rtsp', url: peer.url, transport, keyframes: 1 });
      expect(a?.equals(viaFfmpeg as Buffer)).toBe(true);
      expect(b?.equals(viaFfmpeg as Buffer)).toBe(true);
      // Disarmed once settled: the next capture is accepted.
      const again = s.captureKeyframes({ count: 1, timeoutMs: 15_000, signal: new AbortController().signal });
      expect((await again.first).equals(first)).toBe(true);
      expect(await again.second).toBeUndefined();
    }, 60_000);
  }

  it('a moving scene: the second keyframe is another picture', async () => {
    const dir = useTempDir('camgate-kfcap-');
    const peer = await server(await makeRawH264(dir, { seconds: 4, gop: 15, size: '320x240' }));
    const s = await session(peer);
    const grab = s.captureKeyframes({ count: 2, timeoutMs: 15_000, signal: new AbortController().signal });
    const units = [await grab.first, (await grab.second) as Buffer];
    const [a, b] = await thumb({ kind: 'annexb', codec: 'h264', units });
    expect(meanDiff(a as Buffer, b as Buffer)).toBeGreaterThan(3);
  }, 60_000);

  it('bounded: one capture at a time, a deadline when no keyframe comes, an abort at once', async () => {
    const dir = useTempDir('camgate-kfcap-');
    const peer = await server(await makeStillH264(dir));
    const s = await session(peer);
    const first = s.captureKeyframes({ count: 2, timeoutMs: 30_000, signal: new AbortController().signal });
    expect(() =>
      s.captureKeyframes({ count: 1, timeoutMs: 1000, signal: new AbortController().signal }),
    ).toThrow(expect.objectContaining({ code: 'BUSY' }));
    await first.second;
    // Already aborted: refused at once, and the session is not left armed.
    const gone = new AbortController();
    gone.abort(new Error('check cancelled before'));
    expect(() => s.captureKeyframes({ count: 1, timeoutMs: 30_000, signal: gone.signal })).toThrow(
      'check cancelled before',
    );
    const after = s.captureKeyframes({ count: 1, timeoutMs: 30_000, signal: new AbortController().signal });
    await expect(after.first).resolves.toBeInstanceOf(Buffer);
    // The stream stops (the session's stall limit is longer): the deadline settles the capture.
    await peer.freeze();
    const t0 = systemClock.monotonic();
    const late = s.captureKeyframes({ count: 2, timeoutMs: 1500, signal: new AbortController().signal });
    const err = await late.first.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CamgateError);
    expect((err as CamgateError).code).toBe('RTSP_TIMEOUT');
    expect(await late.second).toBeUndefined();
    expect(systemClock.monotonic() - t0).toBeLessThan(5000);
    const abort = new AbortController();
    const aborted = s.captureKeyframes({ count: 2, timeoutMs: 30_000, signal: abort.signal });
    abort.abort(new Error('check cancelled'));
    await expect(aborted.first).rejects.toThrow('check cancelled');
    // The session's end settles an armed capture too.
    const open = s.captureKeyframes({ count: 1, timeoutMs: 30_000, signal: new AbortController().signal });
    await s.stop();
    await expect(open.first).rejects.toThrow(/stream session stopped/);
  }, 60_000);
});
