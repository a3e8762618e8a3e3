import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/shared/clock.js';
import { CamgateError } from '../../src/shared/errors.js';
import { silentLog } from '../../src/shared/log.js';
import { systemNet } from '../../src/shared/net.js';
import { deepProbe } from '../../src/streams/ffmpeg/ffprobe.js';
import { probeStream } from '../../src/streams/probe.js';
import { RtspSession } from '../../src/streams/rtsp/rtspSession.js';
import { deferCleanup } from '../helpers/testCleanup.js';
import { GstServer } from './helpers/gstServer.js';
import { closedPort, HostileServer } from './helpers/hostileServer.js';
import { playing } from './helpers/playing.js';

const deps = { clock: systemClock, net: systemNet, log: silentLog() };
async function gst(options: Parameters<typeof GstServer.start>[0] = {}): Promise<GstServer> {
  const server = await GstServer.start(options);
  deferCleanup(() => server.close());
  return server;
}

describe('probeStream (layered)', () => {
  it('passes every layer and reports the stream facts', async () => {
    const server = await gst({ width: 320, height: 240, fps: 15 });
    const result = await probeStream(deps, { url: server.url, watchMs: 1500 });
    expect(result.ok).toBe(true);
    expect(result.layers.map((l) => l.layer)).toEqual([
      'tcp',
      'options',
      'describe',
      'play',
      'keyframe',
      'frames',
    ]);
    expect(result.stream).toMatchObject({
      codec: 'h264',
      profile: 'Constrained Baseline',
      width: 320,
      height: 240,
    });
    expect(result.stream?.fps).toBeGreaterThan(12);
    expect(result.stream?.bitrateKbps).toBeGreaterThan(1);
  });

  it('names tcp when nothing listens', async () => {
    const result = await probeStream(deps, { url: `rtsp://127.0.0.1:${await closedPort()}/x` });
    expect(result).toMatchObject({ ok: false, failedLayer: 'tcp', reason: 'unreachable' });
  });

  it('names options when the server accepts but never answers', async () => {
    const server = await HostileServer.start('silent');
    deferCleanup(() => server.close());
    const result = await probeStream(deps, { url: server.url, stepTimeoutMs: 1000 });
    expect(result).toMatchObject({ ok: false, failedLayer: 'options', reason: 'timeout' });
  });

  it('names describe and unauthorized for a wrong password, without echoing it', async () => {
    const server = await gst({ user: 'viewer', password: 'good-pw' });
    const result = await probeStream(deps, { url: `rtsp://viewer:bad-pw@127.0.0.1:${server.port}/test` });
    expect(result).toMatchObject({ ok: false, failedLayer: 'describe', reason: 'unauthorized' });
    expect(JSON.stringify(result)).not.toContain('bad-pw');
  });

  it('fails after PLAY (keyframe or frames layer) when the server stops sending video', async () => {
    const server = await gst();
    // A holder session keeps the shared media prepared (GStreamer cannot DESCRIBE a frozen
    // pipeline that never prerolled); then the probe joins a media that sends no RTP.
    const holder = new RtspSession(deps, { url: server.url, stallMs: 60_000 });
    deferCleanup(() => holder.stop());
    holder.start();
    await playing(holder, server);
    await server.freeze();
    const result = await probeStream(deps, { url: server.url, keyframeTimeoutMs: 1500 });
    // GStreamer may still flush a buffered IDR to the new client (then the frames layer fails), and
    // on a loaded box its frozen pipeline can hold back the PLAY reply itself (seen in a full-suite
    // run at load 16): every layer up to DESCRIBE must pass, and the probe must name a later one.
    expect(result.ok).toBe(false);
    expect(['play', 'keyframe', 'frames']).toContain(result.failedLayer);
    expect(result.layers.slice(0, 4).map((l) => l.layer)).toEqual(['tcp', 'options', 'describe', 'play']);
    expect(result.layers.slice(0, 3).every((l) => l.ok)).toBe(true);
    expect(result.stream).toMatchObject({ codec: 'h264', width: 320, height: 240 });
  });
});

describe('deepProbe (ffprobe via fluent-ffmpeg)', () => {
  it('reads codec, size and frame rate from the GStreamer stream', async () => {
    const server = await gst({ width: 320, height: 240, fps: 15 });
    const result = await deepProbe(deps, { url: server.url, timeoutMs: 5000 });
    expect(result).toMatchObject({ codec: 'h264', width: 320, height: 240, fps: 15 });
  });

  it('fails with FFMPEG and no credentials in the message when nothing listens', async () => {
    const url = `rtsp://admin:hunter2@127.0.0.1:${await closedPort()}/x`;
    const err = await deepProbe(deps, { url, timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CamgateError);
    expect((err as CamgateError).code).toBe('FFMPEG');
    expect((err as CamgateError).message).not.toContain('hunter2');
  });
});
