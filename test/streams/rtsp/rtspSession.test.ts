import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/shared/clock.js';
import { createLog } from '../../../src/shared/log.js';
import { systemNet } from '../../../src/shared/net.js';
import type { RtspCredential } from '../../../src/streams/rtsp/rtspAuth.js';
import { RtspSession, type RtspSessionOptions } from '../../../src/streams/rtsp/rtspSession.js';
import { deferCleanup } from '../../helpers/testCleanup.js';
import { GstServer } from '../helpers/gstServer.js';
import { closedPort, HostileServer, type Hostility } from '../helpers/hostileServer.js';
import { playing } from '../helpers/playing.js';

const logLines: string[] = [];
const log = createLog(
  { level: 'debug' },
  new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString());
      done();
    },
  }),
);
const deps = { clock: systemClock, net: systemNet, log };

function session(options: RtspSessionOptions): RtspSession {
  const s = new RtspSession(deps, { stepTimeoutMs: 3000, stallMs: 1500, ...options });
  deferCleanup(() => s.stop());
  s.start();
  return s;
}

async function gst(options: Parameters<typeof GstServer.start>[0] = {}): Promise<GstServer> {
  const server = await GstServer.start(options);
  deferCleanup(() => server.close());
  return server;
}

async function hostile(kind: Hostility): Promise<HostileServer> {
  const server = await HostileServer.start(kind);
  deferCleanup(() => server.close());
  return server;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('RtspSession against GStreamer rtsp-server', () => {
  it('plays H.264 and reports codec, size, fps, bitrate and keyframes', async () => {
    const server = await gst({ width: 320, height: 240, fps: 15, keyint: 15 });
    let keyframes = 0;
    const s = session({ url: server.url, onKeyframe: () => keyframes++ });
    await playing(s, server);
    s.takeSample(systemClock.monotonic());
    await sleep(2500);
    const sample = s.takeSample(systemClock.monotonic());
    expect(sample?.stats).toMatchObject({ codec: 'h264', width: 320, height: 240 });
    expect(sample?.stats.fps).toBeGreaterThan(12);
    expect(sample?.stats.fps).toBeLessThan(18);
    expect(sample?.stats.bitrateKbps).toBeGreaterThan(1);
    expect(sample?.stats.lossPct).toBe(0);
    expect(keyframes).toBeGreaterThanOrEqual(2);
    expect(sample?.stats.keyframeIntervalS).toBeCloseTo(1, 0);
    expect(await s.stop()).toBe('stopped');
  });

  it('closes with stall when the server stops sending RTP but keeps the connection', async () => {
    const server = await gst();
    const s = session({ url: server.url, stallMs: 1500 });
    await playing(s, server);
    const frozenAt = Date.now();
    await server.freeze();
    expect(await s.closed).toBe('stall');
    expect(Date.now() - frozenAt).toBeLessThan(1500 + 1000);
  });

  it('a blocked event loop longer than stallMs is not a stall: the packets wait in the socket (#14)', async () => {
    // Field case: a daemon of 1,024 cameras blocked for 3.8 s (GC, a long commit); its next tick
    // found every stream silent and tore all 1,024 sessions down at once.
    const server = await gst({ fps: 15 });
    const s = session({ url: server.url });
    await playing(s, server);
    await sleep(500);
    const until = performance.now() + 2500;
    while (performance.now() < until) {
      // Busy on purpose: nothing else runs, as in a long GC pause.
    }
    await sleep(1000);
    expect(s.phase).toBe('playing');
    expect(performance.now() - s.lastFrameAt).toBeLessThan(1000);
  });

  it('closes with eof when the server process dies', async () => {
    const server = await gst();
    const s = session({ url: server.url });
    await playing(s, server);
    await server.kill();
    expect(await s.closed).toBe('eof');
  });

  it('reports unreachable when nothing listens', async () => {
    const s = session({ url: `rtsp://127.0.0.1:${await closedPort()}/x` });
    expect(await s.closed).toBe('unreachable');
  });

  const good: RtspCredential = { username: 'viewer', password: 'S3cret-pw', allowBasic: false };

  it('answers a Digest challenge from GstRTSPAuth', async () => {
    const server = await gst({ user: 'viewer', password: 'S3cret-pw', auth: 'digest' });
    const s = session({ url: server.url, credential: good });
    await playing(s, server);
    expect(s.videoParams).toMatchObject({ width: 320, height: 240 });
  });

  it('takes credentials from the URL userinfo without logging them', async () => {
    const server = await gst({ user: 'viewer', password: 'S3cret-pw', auth: 'digest' });
    const s = session({ url: `rtsp://viewer:S3cret-pw@127.0.0.1:${server.port}/test` });
    await playing(s, server);
    await s.stop();
    expect(logLines.join('')).not.toContain('S3cret-pw');
  });

  it('reports unauthorized for a wrong password, after one retry', async () => {
    const server = await gst({ user: 'viewer', password: 'S3cret-pw', auth: 'digest' });
    const s = session({ url: server.url, credential: { ...good, password: 'wrong' } });
    expect(await s.closed).toBe('unauthorized');
    expect(s.closeError?.code).toBe('RTSP_AUTH');
    expect(logLines.join('')).not.toContain('wrong"');
  });

  it('refuses Basic unless allowed, and uses it when allowed', async () => {
    const server = await gst({ user: 'viewer', password: 'S3cret-pw', auth: 'basic' });
    const refused = session({ url: server.url, credential: good });
    expect(await refused.closed).toBe('unauthorized');
    expect(refused.closeError?.message).toMatch(/Basic/);
    const allowed = session({ url: server.url, credential: { ...good, allowBasic: true } });
    await playing(allowed, server);
  });
});

describe('RtspSession against hostile servers', () => {
  it('garbage bytes → protocol, quickly', async () => {
    const server = await hostile('garbage');
    const started = Date.now();
    const s = session({ url: server.url });
    expect(await s.closed).toBe('protocol');
    expect(s.closeError?.code).toBe('RTSP_PROTOCOL');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('endless headers → protocol with RTSP_TOO_LARGE, before the step deadline', async () => {
    const server = await hostile('hugeHeaders');
    const s = session({ url: server.url, stepTimeoutMs: 20_000 });
    expect(await s.closed).toBe('protocol');
    expect(s.closeError?.code).toBe('RTSP_TOO_LARGE');
  });

  it('a huge Content-Length → protocol with RTSP_TOO_LARGE', async () => {
    const server = await hostile('hugeBody');
    const s = session({ url: server.url });
    expect(await s.closed).toBe('protocol');
    expect(s.closeError?.code).toBe('RTSP_TOO_LARGE');
  });

  it('one byte per second → timeout at the step deadline', async () => {
    const server = await hostile('slowDrip');
    const started = Date.now();
    const s = session({ url: server.url, stepTimeoutMs: 2000 });
    expect(await s.closed).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('accepts and never answers → timeout', async () => {
    const server = await hostile('silent');
    const s = session({ url: server.url, stepTimeoutMs: 1000 });
    expect(await s.closed).toBe('timeout');
  });

  it('hangs up after the first request → eof', async () => {
    const server = await hostile('hangUp');
    const s = session({ url: server.url });
    expect(await s.closed).toBe('eof');
  });

  it('an unusable URL (rtsps://, garbage) closes with protocol instead of throwing', async () => {
    for (const url of ['rtsps://127.0.0.1/x', 'not a url']) {
      const s = new RtspSession(deps, { url });
      s.start();
      expect(await s.closed).toBe('protocol');
      expect(s.closeError?.code).toBe('RTSP_PROTOCOL');
    }
  });
});
