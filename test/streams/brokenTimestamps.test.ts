import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/shared/clock.js';
import { EventBus } from '../../src/shared/events.js';
import { silentLog } from '../../src/shared/log.js';
import { systemNet } from '../../src/shared/net.js';
import { probeStream } from '../../src/streams/probe.js';
import { RtspSession, type SessionSample } from '../../src/streams/rtsp/rtspSession.js';
import { StreamMonitor } from '../../src/streams/streamMonitor.js';
import { deferCleanup } from '../helpers/testCleanup.js';
import { GstServer, type GstServerOptions } from './helpers/gstServer.js';
import { makeRawH264 } from './helpers/rawH264.js';

/**
 * Issue #12 against GStreamer's RTSP server serving a raw H.264 file: 25 pictures a second under
 * one RTP timestamp (the pipeline), timestamps that jump back at every loop, and a server
 * that sends only SPS/PPS/SEI/AUD (a hung encoder behind a live RTSP server).
 */
const deps = { clock: systemClock, net: systemNet, log: silentLog() };
let dir: string;
let clip: string;
let shortGopClip: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-rawh264-'));
  clip = await makeRawH264(dir, { seconds: 2, gop: 25 });
  // Parameter sets before every 5th picture: five SPS/PPS a second, which the old timestamp-change
  // count took for five frames a second.
  shortGopClip = await makeRawH264(dir, { seconds: 2, gop: 5 });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
async function serve(options: GstServerOptions): Promise<GstServer> {
  const server = await GstServer.start({ source: 'raw-h264', file: clip, fps: 25, ...options });
  deferCleanup(() => server.close());
  return server;
}

function session(url: string, stallMs = 3000): RtspSession {
  const s = new RtspSession(deps, { url, stallMs, stepTimeoutMs: 5000 });
  deferCleanup(() => s.stop());
  s.start();
  return s;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function playing(s: RtspSession): Promise<number> {
  while (s.phase !== 'playing') {
    if (s.phase === 'closed') throw new Error(`closed: ${s.closeError?.message}`);
    await sleep(20);
  }
  return Date.now();
}

/** Samples once a second for `seconds`; the session must stay up throughout. */
async function watch(s: RtspSession, seconds: number): Promise<SessionSample[]> {
  s.takeSample(systemClock.monotonic());
  const samples: SessionSample[] = [];
  for (let i = 0; i < seconds; i++) {
    await sleep(1000);
    expect(s.phase, s.closeError?.message).toBe('playing');
    const sample = s.takeSample(systemClock.monotonic());
    if (sample) samples.push(sample);
  }
  return samples;
}

describe('RTP timestamps that do not tell time (issue #12), GStreamer rtsp-server', () => {
  it('constant timestamps (the issue pipeline): no stall, fault constant, 25 fps from arrival', async () => {
    const server = await serve({ timestamps: 'constant' });
    const s = session(server.url);
    await playing(s);
    const samples = await watch(s, 6);
    const last = samples.at(-1);
    expect(samples.every((x) => x.window.frames > 0)).toBe(true);
    expect(last?.window.timestampFault).toBe('constant');
    expect(last?.window.fpsSource).toBe('arrival');
    expect(last?.stats.fps).toBeGreaterThan(18);
    expect(last?.stats.fps).toBeLessThan(32);
    expect(last?.stats.keyframeIntervalS).toBeCloseTo(1, 0);
    expect(last?.stats).toMatchObject({ codec: 'h264', width: 320, height: 180, timestampFault: 'constant' });
  });

  it('timestamps jumping back at every 1 s loop: no stall, fault jumps, 25 fps from arrival', async () => {
    const server = await serve({ timestamps: 'backwards', loopSeconds: 1 });
    const s = session(server.url);
    await playing(s);
    const samples = await watch(s, 6);
    const last = samples.at(-1);
    expect(last?.window.timestampFault).toBe('jumps');
    expect(last?.stats.fps).toBeGreaterThan(18);
    expect(last?.stats.fps).toBeLessThan(32);
  });

  it('the same file with timestamps from the pacing: usable, fps from RTP time', async () => {
    const server = await serve({ timestamps: 'valid' });
    const s = session(server.url);
    await playing(s);
    const samples = await watch(s, 5);
    expect(samples.map((x) => x.window.timestampFault)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(samples.at(-1)?.window.fpsSource).toBe('rtp');
    expect(samples.at(-1)?.stats.fps).toBeCloseTo(25, 0);
  });

  it('only parameter sets, timestamps advancing: stall within stallMs + 1 s of PLAY', async () => {
    const server = await serve({ file: shortGopClip, timestamps: 'valid', paramsOnly: true });
    const s = session(server.url, 2000);
    const start = await playing(s);
    await sleep(500);
    const sample = s.takeSample(systemClock.monotonic());
    expect(sample?.window.packets).toBeGreaterThan(0); // SPS/PPS/AUD do arrive
    expect(sample?.window.frames).toBe(0);
    expect(await s.closed).toBe('stall');
    expect(Date.now() - start).toBeLessThan(2000 + 1000);
  });

  it('probe passes every layer on constant timestamps and names the reason', async () => {
    const server = await serve({ timestamps: 'constant' });
    const result = await probeStream(deps, { url: server.url, watchMs: 2500 });
    expect(result.ok, JSON.stringify(result)).toBe(true);
    expect(result.reasons).toEqual(['rtp_timestamps_invalid constant']);
    expect(result.stream).toMatchObject({ codec: 'h264', timestampFault: 'constant' });
    expect(result.stream?.fps).toBeGreaterThan(18);
  });

  it('StreamMonitor: packets samples carrying the fault, never a stall; parameter sets alone do stall', async () => {
    const constant = await serve({ timestamps: 'constant' });
    const paramsOnly = await serve({ file: shortGopClip, timestamps: 'valid', paramsOnly: true });
    const bus = new EventBus();
    const seen: Array<{ cameraId: string; kind: string; fault?: string }> = [];
    bus.on('stream.sample', (e) =>
      seen.push({ cameraId: e.cameraId, kind: e.kind, fault: e.stats?.timestampFault }),
    );
    const target = (cameraId: string, url: string) => ({
      cameraId,
      url,
      mode: 'continuous' as const,
      intervalSeconds: 60,
      durationSeconds: 10,
    });
    const monitor = new StreamMonitor({ ...deps, events: bus }, { stallSeconds: 2 }, [
      target('constant', constant.url),
      target('params', paramsOnly.url),
    ]);
    deferCleanup(() => monitor.stop());
    await monitor.start(new AbortController().signal);
    await sleep(7000);
    const of = (id: string) => seen.filter((e) => e.cameraId === id);
    expect(of('constant').map((e) => e.kind)).not.toContain('stall');
    expect(of('constant').filter((e) => e.kind === 'packets').length).toBeGreaterThanOrEqual(5);
    expect(of('constant').at(-1)).toMatchObject({ kind: 'packets', fault: 'constant' });
    expect(of('params').map((e) => e.kind)).toContain('stall');
    expect(of('params').map((e) => e.kind)).not.toContain('packets');
  });
});
