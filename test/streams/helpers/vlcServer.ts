import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The system user scripts/setup.sh creates: VLC refuses to run as root. */
export const VLC_USER = 'camgate-test';

export interface VlcServerOptions {
  width?: number;
  height?: number;
  fps?: number;
  /** Length of the looped clip; long enough that a test does not straddle a loop. */
  seconds?: number;
}

/** Which uid/gid VLC runs as: ours when we are not root, else the test user's. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', VLC_USER], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', VLC_USER], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch (err) {
    throw new Error(`no '${VLC_USER}' user for VLC (it refuses root): run scripts/setup.sh`, { cause: err });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * VLC's RTSP server (live555-free, its own `rtp` stream output) on 127.0.0.1: a second, independent
 * RTSP implementation beside GStreamer's, and one that answers SETUP for RTP over TCP with
 * 461 Unsupported Transport, so only UDP works. Serves an H.264 clip made by ffmpeg, looped.
 */
export class VlcServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `rtsp://127.0.0.1:${this.port}/s`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(options: VlcServerOptions = {}): Promise<VlcServer> {
    const { width = 640, height = 360, fps = 25, seconds = 60 } = options;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-vlc-'));
    fs.chmodSync(dir, 0o755);
    const clip = path.join(dir, 'clip.mp4');
    execFileSync('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi'],
      ...['-i', `testsrc2=size=${width}x${height}:rate=${fps}`, '-t', String(seconds)],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-g', String(fps), '-pix_fmt', 'yuv420p', clip],
    ]);
    fs.chmodSync(clip, 0o644);
    const port = await freePort();
    const child = spawn(
      'vlc',
      [
        '-I',
        'dummy',
        '-q',
        '--no-audio',
        clip,
        '--loop',
        '--sout',
        `#rtp{sdp=${`rtsp://127.0.0.1:${port}/s`}}`,
        '--sout-keep',
      ],
      { ...runAs(), env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir }, stdio: 'ignore' },
    );
    const server = new VlcServer(child, port, dir);
    const deadline = Date.now() + 15_000;
    while (!(await accepts(port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await server.kill();
        throw new Error(`VLC did not serve RTSP on ${port} (exit ${child.exitCode})`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return server;
  }

  /** SIGSTOP by pid: VLC freezes whole, RTSP and RTP alike (a hung camera). */
  pause(): void {
    if (this.child.pid !== undefined) process.kill(this.child.pid, 'SIGSTOP');
  }

  resume(): void {
    if (this.child.pid !== undefined) process.kill(this.child.pid, 'SIGCONT');
  }

  /** SIGKILL by pid (works on a stopped process too), wait for the exit, remove the clip. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGKILL');
      await exited;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
