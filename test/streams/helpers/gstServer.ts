import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'fixtures',
  'gst',
  'rtsp_server.py',
);

/** The first python3 on PATH may lack `gi`; use the one that can import GstRtspServer. */
export function gstPython(): string | undefined {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(candidate, ['-c', "import gi; gi.require_version('GstRtspServer', '1.0')"], {
        stdio: 'ignore',
      });
      return candidate;
    } catch {
      // This interpreter has no gi bindings; try the next one.
    }
  }
  return undefined;
}

export interface GstServerOptions {
  user?: string;
  password?: string;
  auth?: 'digest' | 'basic' | 'both';
  width?: number;
  height?: number;
  fps?: number;
  keyint?: number;
  /** `raw-h264`: serve `file` (raw Annex B H.264) looped, as issue #12 measured (rtsp_server.py). */
  source?: 'test' | 'raw-h264';
  file?: string;
  /** raw-h264 only: `constant` (the pipeline), `backwards` (back every `loopSeconds`), `valid`. */
  timestamps?: 'constant' | 'backwards' | 'valid';
  loopSeconds?: number;
  /** raw-h264 only: drop every coded slice; SPS/PPS/SEI/AUD keep flowing with advancing timestamps. */
  paramsOnly?: boolean;
}

/** GStreamer's RTSP server as a child process on 127.0.0.1, with freeze/thaw over stdin. */
export class GstServer {
  private lines: string[] = [];
  private waiters: Array<() => void> = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  get url(): string {
    return `rtsp://127.0.0.1:${this.port}/test`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(options: GstServerOptions = {}): Promise<GstServer> {
    const python = gstPython();
    if (!python) throw new Error('no python3 with GStreamer RTSP server bindings');
    const args = [SCRIPT];
    for (const [k, v] of Object.entries(options)) if (v !== undefined) args.push(`--${k}`, String(v));
    const child = spawn(python, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    const rl = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
    const first = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('gst server did not start within 10 s')), 10_000);
      rl.once('line', (line) => {
        clearTimeout(timer);
        resolve(line);
      });
      child.once('exit', (code) => reject(new Error(`gst server exited with ${code}`)));
    });
    const { port } = JSON.parse(first) as { port: number };
    const server = new GstServer(child, port);
    rl.on('line', (line) => {
      server.lines.push(line);
      for (const w of server.waiters.splice(0)) w();
    });
    return server;
  }

  /** Drops all RTP at the server (valve) while the RTSP session stays up. */
  async freeze(): Promise<void> {
    await this.command('freeze');
  }

  async thaw(): Promise<void> {
    await this.command('thaw');
  }

  private async command(cmd: string): Promise<void> {
    const before = this.lines.length;
    this.child.stdin?.write(`${cmd}\n`);
    while (!this.lines.slice(before).some((l) => l.includes(`"ack": "${cmd}"`))) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** SIGKILL, by pid, and wait for the exit. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    await exited;
  }
}
