import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import { systemClock } from '../../src/shared/clock.js';
import type { LiveStatus } from '../../src/streams/live/liveSession.js';
import { camgateBin } from './cli.js';
import { tempConfig } from './tempSite.js';

/** A video-socket viewer, with the `ws` that node-rtsp-stream brings (Node 20 has no WebSocket client). */
export interface Viewer {
  readonly binary: Buffer[];
  close(): void;
}
type WsClient = {
  on(e: 'message', f: (data: Buffer) => void): void;
  on(e: 'open' | 'close', f: () => void): void;
  on(e: 'error', f: (err: Error) => void): void;
  on(e: 'unexpected-response', f: (req: http.ClientRequest, res: http.IncomingMessage) => void): void;
  close(): void;
};
const requireWs = createRequire(createRequire(import.meta.url).resolve('node-rtsp-stream'));
const WebSocket = requireWs('ws') as new (url: string, options?: { origin?: string }) => WsClient;

/** A viewer; `origin` is the header a browser page would send (the `ws` client sends none by default). */
export async function viewer(port: number, origin?: string): Promise<Viewer> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/video`, origin === undefined ? {} : { origin });
  const v: Viewer = { binary: [], close: () => ws.close() };
  ws.on('message', (data) => v.binary.push(data));
  await new Promise<void>((resolve, reject) => {
    ws.on('open', resolve);
    ws.on('error', reject);
  });
  return v;
}

/**
 * A video socket whose reader stops after the handshake, like a tab the browser no longer reads or
 * a stalled `ssh -L` link: a plain TCP client that speaks the handshake and then pauses.
 */
export async function stalledViewer(port: number): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write(
        'GET /video HTTP/1.1\r\n' +
          `Host: 127.0.0.1:${port}\r\n` +
          'Upgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
    });
    socket.once('data', (head: Buffer) => {
      if (head.toString('latin1').startsWith('HTTP/1.1 101')) resolve();
      else reject(new Error(`handshake refused: ${head.toString('latin1').split('\r\n')[0]}`));
    });
  });
  socket.pause();
  return socket;
}

/** The HTTP status a video-socket handshake with this `Origin` gets: 101 when the socket opens. */
export async function upgradeStatus(port: number, origin: string): Promise<number> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/video`, { origin });
  return new Promise<number>((resolve, reject) => {
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (req, res) => {
      req.destroy();
      resolve(res.statusCode ?? 0);
    });
    ws.on('error', reject);
  });
}

/** GET on 127.0.0.1:port with the given `Host` header (only a header: nothing else is contacted). */
export async function getWithHost(port: number, path: string, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
}

export async function status(port: number): Promise<LiveStatus> {
  return (await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as LiveStatus;
}

export async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 20_000,
): Promise<T> {
  const deadline = systemClock.monotonic() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (systemClock.monotonic() > deadline) throw new Error(`timed out waiting for ${what}`);
    await systemClock.sleep(50);
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false; // ESRCH: gone
  }
}

/** PIDs of ffmpeg processes whose parent is `ppid`, from /proc. */
export function ffmpegChildren(ppid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
        const m = /^\d+ \((.*)\) \S (\d+)/.exec(stat);
        return m?.[1] === 'ffmpeg' && Number(m[2]) === ppid;
      } catch {
        return false; // the process ended while we listed
      }
    })
    .map(Number);
}

/** ffmpeg decodes MPEG-TS from its first byte: pictures decoded and what it complained about. */
export function decodeTs(ts: Buffer): { frames: number; errors: string } {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-f', 'mpegts', '-i', '-', '-f', 'framemd5', '-'], {
    input: ts,
    maxBuffer: 64 * 1024 * 1024,
  });
  const frames = r.stdout
    .toString()
    .split('\n')
    .filter((l) => /^\d+,/.test(l)).length;
  return { frames, errors: r.stderr.toString() };
}

/** `ts` up to the last packet that starts a PES, so a capture cut off mid-picture ends on whole pictures. */
export function wholePes(ts: Buffer): Buffer {
  let end = 0;
  for (let i = 0; i + 188 <= ts.length; i += 188) {
    const pid = (((ts[i + 1] ?? 0) & 0x1f) << 8) | (ts[i + 2] ?? 0);
    const unitStart = ((ts[i + 1] ?? 0) & 0x40) !== 0;
    if (unitStart && pid >= 0x100 && pid < 0x1000) end = i; // ffmpeg's elementary streams: 0x100-
  }
  return ts.subarray(0, end);
}

/** The built `camgate live gate-1 --port 0` against one simulated camera, with its page's port. */
export interface LiveCli {
  readonly child: ChildProcess;
  readonly port: number;
  /** stdout and stderr so far. */
  output(): string;
  readonly exited: Promise<number | null>;
  /** Stops the CLI (SIGTERM, SIGKILL after 5 s) and any ffmpeg of its that is left. */
  cleanup(): Promise<void>;
}

/** The simulator's first camera, behind the built CLI (`npm run build`; the caller skips without it). */
export async function startLiveCli(site: {
  readonly cameras: readonly { readonly rtspMainUrl: string }[];
  readonly username: string;
  readonly password: string;
}): Promise<LiveCli> {
  const camera = {
    rtspUrl: site.cameras[0]?.rtspMainUrl ?? '',
    username: site.username,
    password: site.password,
  };
  const t = tempConfig(`credentials:
  - { match: "*", username: ${camera.username}, password: ${camera.password} }
cameras:
  - { id: gate-1, rtsp: "${camera.rtspUrl}", class: overview }
`);
  const child = spawn(
    process.execPath,
    [camgateBin, 'live', 'gate-1', '--port', '0', '--config', t.configPath],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += String(d);
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += String(d);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const cleanup = async () => {
    await stopCli(child, exited);
    t.cleanup();
  };
  try {
    const port = Number(await until('page url', () => /127\.0\.0\.1:(\d+)\//.exec(out)?.[1]));
    return { child, port, output: () => out, exited, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/**
 * SIGTERM first: `camgate live` then stops its ffmpeg (a SIGKILL would orphan it, still reading the
 * camera). SIGKILL only if it has not exited after 5 s; then any ffmpeg it had is killed by PID (an
 * orphan is no longer its child, so its PIDs are taken before the signals).
 */
async function stopCli(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  const pid = child.pid;
  // Exited, or killed by a signal (then `exitCode` is null but `signalCode` is set).
  const running = () => child.exitCode === null && child.signalCode === null;
  if (pid === undefined || !running()) return;
  const ffmpegs = new Set(ffmpegChildren(pid));
  child.kill('SIGTERM');
  const timeout = new AbortController();
  const gone = await Promise.race([
    exited.then(() => true),
    systemClock.sleep(5000, timeout.signal).then(
      () => false,
      () => true, // aborted: it exited
    ),
  ]);
  timeout.abort();
  if (!gone && running()) {
    for (const f of ffmpegChildren(pid)) ffmpegs.add(f);
    child.kill('SIGKILL');
    await exited;
  }
  for (const f of ffmpegs) if (isFfmpeg(f)) killGone(f);
}

function killGone(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err; // ended since we looked
  }
}

/** Still an ffmpeg (not gone, and the PID not reused by something else). */
function isFfmpeg(pid: number): boolean {
  try {
    return /^\d+ \(ffmpeg\) /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false; // gone
  }
}
