import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/shared/clock.js';
import { silentLog } from '../../../src/shared/log.js';
import { LiveSession, type LiveSessionDeps } from '../../../src/streams/live/liveSession.js';
import { getWithHost, status, until, upgradeStatus, viewer } from '../../helpers/live.js';

/**
 * LiveSession without a camera: a stand-in ffmpeg (this Node, no network) that writes no video and,
 * like ffmpeg, answers SIGTERM with exit code 255, here after `exitDelayMs`.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-live-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function fakeFfmpeg(exitDelayMs: number): string {
  const file = path.join(dir, `ffmpeg-${exitDelayMs}.mjs`);
  fs.writeFileSync(
    file,
    `#!${process.execPath}\nprocess.on('SIGTERM', () => setTimeout(() => process.exit(255), ${exitDelayMs}));\nsetInterval(() => {}, 1000);\n`,
    { mode: 0o755 },
  );
  return file;
}

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function session(over: Partial<LiveSessionDeps> = {}): Promise<LiveSession> {
  const s = new LiveSession({
    clock: systemClock,
    log: silentLog(),
    cameraId: 'cam-1',
    rtspUrl: 'rtsp://127.0.0.1:9/none',
    port: 0,
    idleGraceMs: 100,
    stallMs: 60_000,
    ffmpegPath: fakeFfmpeg(0),
    ...over,
  });
  await s.start();
  cleanups.push(() => s.stop());
  return s;
}

describe('LiveSession: who may watch', () => {
  it('refuses a video socket from another site and starts no ffmpeg', async () => {
    const s = await session();
    expect(await upgradeStatus(s.port, 'http://evil.example')).toBe(403);
    expect(await upgradeStatus(s.port, `http://evil.example:${s.port}`)).toBe(403);
    expect(await upgradeStatus(s.port, `http://127.0.0.1:${s.port + 1}`)).toBe(403);
    expect(await upgradeStatus(s.port, 'null')).toBe(403);
    expect(s.ffmpegPid).toBeUndefined();
    expect(s.viewerCount).toBe(0);
    expect((await status(s.port)).viewers).toBe(0);
  });

  it("accepts the page's own origin (127.0.0.1 or localhost) and a client that sends no Origin", async () => {
    const s = await session();
    expect(await upgradeStatus(s.port, `http://127.0.0.1:${s.port}`)).toBe(101);
    expect(await upgradeStatus(s.port, `http://localhost:${s.port}`)).toBe(101);
    const tool = await viewer(s.port);
    await until('ffmpeg for the viewer', () => s.ffmpegPid);
    tool.close();
  });

  // DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 reads /status.
  it('answers 421 to a request that names another host, for every path', async () => {
    const s = await session();
    for (const p of ['/', '/status', '/jsmpeg-player.umd.min.js']) {
      expect(await getWithHost(s.port, p, `evil.example:${s.port}`)).toBe(421);
    }
    expect(await getWithHost(s.port, '/status', `127.0.0.1:${s.port}`)).toBe(200);
    expect(await getWithHost(s.port, '/status', `localhost:${s.port}`)).toBe(200);
  });
});
