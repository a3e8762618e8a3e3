import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/shared/clock.js';
import { silentLog } from '../../../src/shared/log.js';
import { systemNet } from '../../../src/shared/net.js';
import { RtspSession, type RtspSessionOptions } from '../../../src/streams/rtsp/rtspSession.js';
import { deferCleanup } from '../../helpers/testCleanup.js';
import { FakeCamera, type FakeCameraOptions } from '../helpers/fakeCamera.js';

const deps = { clock: systemClock, net: systemNet, log: silentLog() };
async function camera(options: FakeCameraOptions): Promise<FakeCamera> {
  const cam = await FakeCamera.start(options);
  deferCleanup(() => cam.close());
  return cam;
}

function session(options: RtspSessionOptions): RtspSession {
  const s = new RtspSession(deps, { stepTimeoutMs: 3000, stallMs: 2000, ...options });
  deferCleanup(() => s.stop());
  s.start();
  return s;
}

async function playing(s: RtspSession): Promise<void> {
  while (s.phase !== 'playing') {
    if (s.phase === 'closed') throw new Error(`closed: ${s.closeError?.message}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}
const credential = { username: 'op', password: 'pa55', allowBasic: false };

describe('RtspSession against a scripted camera', () => {
  it('answers SHA-256 Digest with qop=auth', async () => {
    const cam = await camera({ auth: { user: 'op', password: 'pa55', algorithm: 'SHA-256' } });
    const s = session({ url: cam.url, credential });
    await playing(s);
    expect(cam.requests.filter((r) => r.method === 'PLAY').every((r) => r.authorized)).toBe(true);
  });

  it('retries once on a stale nonce instead of reporting unauthorized', async () => {
    const cam = await camera({ auth: { user: 'op', password: 'pa55', algorithm: 'MD5', staleOnce: true } });
    const s = session({ url: cam.url, credential });
    await playing(s);
    expect(cam.requests.filter((r) => r.method === 'DESCRIBE').map((r) => r.authorized)).toEqual([
      false,
      true,
      true,
    ]);
  });

  it('reports unauthorized after exactly one authenticated attempt with a wrong password', async () => {
    const cam = await camera({ auth: { user: 'op', password: 'pa55', algorithm: 'MD5' } });
    const s = session({ url: cam.url, credential: { ...credential, password: 'nope' } });
    expect(await s.closed).toBe('unauthorized');
    expect(cam.requests.filter((r) => r.method === 'DESCRIBE')).toHaveLength(2);
  });

  it('reads H.265 size from sprop-sps and counts IRAP keyframes sent as FU fragments', async () => {
    const cam = await camera({ codec: 'h265', fps: 20, gop: 20 });
    const keyframes: number[] = [];
    const s = session({ url: cam.url, onKeyframe: (at) => keyframes.push(at) });
    await playing(s);
    s.takeSample(systemClock.monotonic());
    await sleep(2300);
    const sample = s.takeSample(systemClock.monotonic());
    expect(sample?.stats).toMatchObject({ codec: 'h265', width: 2560, height: 1440, lossPct: 0 });
    expect(sample?.stats.fps).toBeGreaterThan(15);
    expect(sample?.stats.keyframeIntervalS).toBeCloseTo(1, 1);
    expect(keyframes.length).toBeGreaterThanOrEqual(2);
  });

  it('sends GET_PARAMETER keepalives before a short session timeout, and TEARDOWN on stop', async () => {
    const cam = await camera({ sessionTimeoutS: 2 });
    const s = session({ url: cam.url });
    await playing(s);
    const keepalives = () => cam.requests.filter((r) => r.method === 'GET_PARAMETER');
    await until(() => keepalives().length >= 2, 10_000);
    // Each keepalive comes within the 2 s session timeout of the previous request (PLAY first), so
    // the server never times the session out; waiting on the count keeps a slow box from failing it.
    const play = cam.requests.find((r) => r.method === 'PLAY');
    const [first, second] = keepalives();
    expect((first?.at ?? Infinity) - (play?.at ?? 0)).toBeLessThan(2000);
    expect((second?.at ?? Infinity) - (first?.at ?? 0)).toBeLessThan(2000);
    expect(await s.stop()).toBe('stopped');
    await until(() => cam.requests.at(-1)?.method === 'TEARDOWN', 5000);
  });

  it('keeps playing when pictures come under one constant RTP timestamp (issue #12), fps from arrival', async () => {
    const cam = await camera({ frozenTimestamps: true, fps: 25 });
    const s = session({ url: cam.url, stallMs: 1500 });
    await playing(s);
    s.takeSample(systemClock.monotonic());
    await sleep(3000);
    expect(s.phase).toBe('playing');
    const sample = s.takeSample(systemClock.monotonic());
    expect(sample?.window.timestampFault).toBe('constant');
    expect(sample?.window.fpsSource).toBe('arrival');
    expect(sample?.stats.fps).toBeGreaterThan(15);
    expect(sample?.stats.fps).toBeLessThan(30);
  });

  it('closes with stall when only parameter sets flow, timestamps advancing (hung encoder)', async () => {
    const cam = await camera({ parameterSetsOnly: true, fps: 25 });
    const s = session({ url: cam.url, stallMs: 1500 });
    await playing(s);
    const started = Date.now();
    expect(await s.closed).toBe('stall');
    expect(Date.now() - started).toBeLessThan(1500 + 1000);
  });
});
