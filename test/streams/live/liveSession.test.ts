import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/shared/clock.js';
import { silentLog } from '../../../src/shared/log.js';
import { LiveSession, type LiveSessionDeps } from '../../../src/streams/live/liveSession.js';
import {
  alive,
  ffmpegChildren,
  getWithHost,
  status,
  until,
  upgradeStatus,
  viewer,
} from '../../helpers/live.js';
import { deferCleanup } from '../../helpers/testCleanup.js';

/**
 * LiveSession without a camera: a stand-in ffmpeg (this Node, no network) that writes no video and,
 * like ffmpeg, answers SIGTERM with exit code 255, here after `exitDelayMs`.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-live-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Named `ffmpeg` (in its own folder), so `ffmpegChildren` finds it as it finds the real one. */
function fakeFfmpeg(exitDelayMs: number): string {
  fs.mkdirSync(path.join(dir, `exit-${exitDelayMs}`), { recursive: true });
  const file = path.join(dir, `exit-${exitDelayMs}`, 'ffmpeg');
  fs.writeFileSync(
    file,
    `#!${process.execPath}
import fs from 'node:fs';
import net from 'node:net';
process.on('SIGTERM', () => setTimeout(() => process.exit(255), ${exitDelayMs}));
fs.writeFileSync(${JSON.stringify(dir)} + '/' + process.pid + '.ready', '');
setInterval(() => {}, 1000);
`,
    { mode: 0o755 },
  );
  return file;
}

/** The stand-in has its SIGTERM handler (before that, SIGTERM would just kill it). */
function ready(pid: number): boolean {
  return fs.existsSync(path.join(dir, `${pid}.ready`));
}

/** Stand-ins started so far (each leaves `<pid>.ready`). */
function started(): number {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.ready')).length;
}

/**
 * A TCP connection opened now; `upgrade()` then sends a video-socket handshake on it and says how
 * it ended: the status line, or `closed` when the server dropped it without one.
 */
async function openConnection(port: number): Promise<{ upgrade(): Promise<string> }> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  deferCleanup(() => {
    socket.destroy();
  });
  let head = '';
  const answer = new Promise<string>((resolve) => {
    socket.on('data', (d: Buffer) => {
      head += d.toString('latin1');
      if (head.includes('\r\n')) resolve(head.split('\r\n')[0] ?? '');
    });
    socket.on('error', () => resolve('closed'));
    socket.on('close', () => resolve('closed'));
  });
  return {
    upgrade: () => {
      if (!socket.destroyed) {
        socket.write(
          'GET /video HTTP/1.1\r\n' +
            `Host: 127.0.0.1:${port}\r\n` +
            'Upgrade: websocket\r\nConnection: Upgrade\r\n' +
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
        );
      }
      return answer;
    },
  };
}

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
  deferCleanup(() => s.stop());
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
    expect(await getWithHost(s.port, '/status', `LOCALHOST:${s.port}`)).toBe(200);
    // Listening on 127.0.0.1 only, so [::1] is not our name (README: who may watch).
    expect(await getWithHost(s.port, '/status', `[::1]:${s.port}`)).toBe(421);
  });
});

describe('LiveSession: the status line says why ffmpeg stopped', () => {
  // Review finding: the stall's "no video for N s" was replaced by "ffmpeg exited (255)" once the
  // stopped ffmpeg exited, so the page never told the technician why.
  it('keeps the stall reason after the stopped ffmpeg exits', async () => {
    const s = await session({ stallMs: 300 });
    const v = await viewer(s.port);
    const pid = await until('ffmpeg', () => s.ffmpegPid);
    await until('stall noticed', async () => (await status(s.port)).status.startsWith('no video for'));
    await until('stopped ffmpeg gone', () => !alive(pid));
    const st = await status(s.port);
    expect(st.status).toMatch(/^no video for \d+ s: camera silent; reload to retry$/);
    expect(st.viewers).toBe(1);
    v.close();
  });

  // Review finding: an old ffmpeg's late exit replaced the new one's "connecting to the camera".
  it("says 'waiting for a viewer' after the last viewer left, and an old ffmpeg's late exit does not overwrite a new one's status", async () => {
    const s = await session({ ffmpegPath: fakeFfmpeg(1500) });
    const first = await viewer(s.port);
    const old = await until('first ffmpeg', () => s.ffmpegPid);
    await until('first ffmpeg ready', () => ready(old));
    first.close();
    await until('ffmpeg told to stop', () => s.ffmpegPid === undefined);
    expect(alive(old)).toBe(true); // still finishing (like ffmpeg flushing its output)
    expect((await status(s.port)).status).toBe('waiting for a viewer');

    const second = await viewer(s.port);
    const current = await until('second ffmpeg', () => s.ffmpegPid);
    expect(current).not.toBe(old);
    await until('old ffmpeg gone', () => !alive(old));
    expect((await status(s.port)).status).toBe('connecting to the camera');
    expect(s.ffmpegPid).toBe(current);
    second.close();
  });

  it('stop() also waits for an ffmpeg that was already stopping', async () => {
    const s = await session({ ffmpegPath: fakeFfmpeg(1000) });
    const v = await viewer(s.port);
    const pid = await until('ffmpeg', () => s.ffmpegPid);
    await until('ffmpeg ready', () => ready(pid));
    v.close();
    await until('ffmpeg told to stop', () => s.ffmpegPid === undefined);
    expect(alive(pid)).toBe(true);
    await s.stop();
    expect(alive(pid)).toBe(false);
  });
});

describe('LiveSession: stop()', () => {
  // Review finding: while stop() awaited the old ffmpeg's exit (up to 2 s) the server still took
  // video sockets, and a viewer arriving then started a new ffmpeg that nothing stopped.
  it('refuses a viewer that arrives while it waits for ffmpeg to exit, and starts no new ffmpeg', async () => {
    const s = await session({ ffmpegPath: fakeFfmpeg(1500) });
    const port = s.port;
    const v = await viewer(port);
    const pid = await until('ffmpeg', () => s.ffmpegPid);
    await until('ffmpeg ready', () => ready(pid));
    const before = started();
    const early = await openConnection(port); // e.g. a page reloaded just before Ctrl-C

    const stopped = s.stop();
    expect(alive(pid)).toBe(true); // stop() is waiting for it
    await expect(viewer(port)).rejects.toThrow();
    expect(await early.upgrade()).not.toMatch(/^HTTP\/1\.1 101/);
    expect(alive(pid)).toBe(true); // both refused while stop() still waited
    await stopped;

    expect(alive(pid)).toBe(false);
    expect(ffmpegChildren(process.pid)).toEqual([]);
    expect(started()).toBe(before);
    expect(s.ffmpegPid).toBeUndefined();
    v.close();
  });
});
