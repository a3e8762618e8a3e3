import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ChildWatch } from '../../../fixtures/childWatch.js';

const SCRIPT = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'fixtures',
  'gst',
  'rtsp_server.py',
);

let python: string | null | undefined;

/** The first python3 on PATH may lack `gi`; use the one that can import GstRtspServer (looked up once). */
export function gstPython(): string | undefined {
  if (python === undefined) python = findGstPython() ?? null;
  return python ?? undefined;
}

function findGstPython(): string | undefined {
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

/**
 * Generous: on a fresh machine the first GStreamer start builds its plugin registry, and several
 * test workers may do that at once on a loaded box. A server that dies instead fails at once.
 */
const START_TIMEOUT_MS = 20_000;

/**
 * GStreamer's RTSP server as a child process on 127.0.0.1, with freeze/thaw over stdin. Its stderr
 * is echoed and its tail kept: a server that dies under a test fails that test with its own last
 * lines (`died`, `whileAlive`, `close`), not as a timeout. See fixtures/gst/README.md.
 */
export class GstServer {
  private lines: string[] = [];
  private waiters: Array<() => void> = [];

  private constructor(
    private readonly child: ChildProcess,
    private readonly watch: ChildWatch,
    readonly port: number,
  ) {}

  get url(): string {
    return `rtsp://127.0.0.1:${this.port}/test`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Resolves when the server process has exited (killed by the test or not). */
  get exited(): Promise<unknown> {
    return this.watch.exited;
  }

  /** Resolves with the death report (the server's last stderr lines) if it dies on its own. */
  get died(): Promise<Error> {
    return this.watch.died;
  }

  static async start(options: GstServerOptions = {}): Promise<GstServer> {
    const interpreter = gstPython();
    if (!interpreter) throw new Error('no python3 with GStreamer RTSP server bindings');
    const args = [SCRIPT];
    for (const [k, v] of Object.entries(options)) if (v !== undefined) args.push(`--${k}`, String(v));
    const child = spawn(interpreter, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const watch = new ChildWatch(child, 'gst rtsp_server');
    const rl = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
    let timer: NodeJS.Timeout | undefined;
    const first = new Promise<string>((resolve, reject) => {
      timer = setTimeout(() => {
        void watch.kill();
        reject(new Error(`gst server did not start within ${START_TIMEOUT_MS} ms`));
      }, START_TIMEOUT_MS);
      rl.once('line', resolve);
    });
    try {
      const line = await watch.whileAlive(first);
      const { port } = JSON.parse(line) as { port?: number; error?: string };
      if (!port) throw new Error(`gst server did not start: ${line}`);
      const server = new GstServer(child, watch, port);
      rl.on('line', (l) => {
        server.lines.push(l);
        for (const w of server.waiters.splice(0)) w();
      });
      return server;
    } finally {
      clearTimeout(timer);
    }
  }

  /** `work`, or a rejection with the server's last stderr lines if the server dies first. */
  whileAlive<T>(work: Promise<T>): Promise<T> {
    return this.watch.whileAlive(work);
  }

  /** Throws with the server's last stderr lines if it died without the test killing it. */
  assertAlive(): void {
    this.watch.assertAlive();
  }

  /** Why the server died, with its last stderr lines; undefined while alive or after `kill`. */
  deathMessage(): string | undefined {
    return this.watch.deathMessage();
  }

  /** Drops all RTP at the server (valve) while the RTSP sessions stay up; resolves with the media count. */
  async freeze(): Promise<number> {
    return await this.command('freeze');
  }

  async thaw(): Promise<number> {
    return await this.command('thaw');
  }

  /** Sends a stdin command; resolves with the number of media the server applied it to. */
  private async command(cmd: string): Promise<number> {
    this.assertAlive();
    const before = this.lines.length;
    this.child.stdin?.write(`${cmd}\n`);
    const ack = async (): Promise<number> => {
      for (;;) {
        for (const line of this.lines.slice(before)) {
          const parsed = JSON.parse(line) as { ack?: string; media?: number };
          if (parsed.ack === cmd) return parsed.media ?? 0;
        }
        await new Promise<void>((resolve) => this.waiters.push(resolve));
      }
    };
    return await this.whileAlive(ack());
  }

  /** SIGKILL, by pid, and wait for the exit (a test's own kill is not reported as a death). */
  async kill(): Promise<void> {
    await this.watch.kill();
  }

  /** Test cleanup: kills the server; rejects with its last stderr lines if it had died on its own. */
  async close(): Promise<void> {
    await this.watch.close();
  }
}
