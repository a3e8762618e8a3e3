import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Clock } from '../../shared/clock.js';
import { CamgateError } from '../../shared/errors.js';
import type { FfmpegTransport } from '../ffmpeg/rtspTransport.js';

// jsmpeg decodes MPEG-1 video without B-frames; audio is not needed to aim a camera. MPEG-1 allows
// only 23.976-60 fps: a 15 fps camera stream fails with "MPEG-1/2 does not support 15/1 fps".
// A keyframe (with a sequence header) every second: a viewer who joins a running ffmpeg starts
// at the last one (`TsJoinPoint`), so this bounds both the wait and the burst it gets.
const OUTPUT_OPTIONS = [
  '-an',
  '-r',
  '25',
  '-g',
  '25',
  '-bf',
  '0',
  '-b:v',
  '1000k',
  '-nostats',
  '-loglevel',
  'info',
];

/**
 * ffmpeg's argv: what node-rtsp-stream 0.0.9's Mpeg1Muxer runs (`-i URL -f mpegts -codec:v
 * mpeg1video ... -`), plus an explicit `-rtsp_transport` before the input, which that muxer cannot
 * place (its options all land after `-i`, where ffmpeg takes them as output options). Its
 * VideoStream would also open its own WebSocket server on every interface and copy ffmpeg's stderr
 * (which names the URL, password included) to ours; we serve viewers ourselves on loopback.
 */
export function mpeg1Args(url: string, transport: FfmpegTransport): string[] {
  return [
    '-rtsp_transport',
    transport,
    '-i',
    url,
    '-f',
    'mpegts',
    '-codec:v',
    'mpeg1video',
    ...OUTPUT_OPTIONS,
    '-',
  ];
}

export interface Mpeg1SourceEvents {
  data: [chunk: Buffer];
  size: [width: number, height: number];
  stderr: [line: string];
  exit: [code: number | null, signal: NodeJS.Signals | null];
}

/** One ffmpeg child converting an RTSP URL to MPEG-1 in MPEG-TS. `stop()` resolves once the child is gone. */
export class Mpeg1Source extends EventEmitter<Mpeg1SourceEvents> {
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private stderrTail = '';

  constructor(
    url: string,
    private readonly clock: Clock,
    ffmpegPath = 'ffmpeg',
    readonly transport: FfmpegTransport = 'tcp',
  ) {
    super();
    this.child = spawn(ffmpegPath, mpeg1Args(url, transport), { stdio: ['ignore', 'pipe', 'pipe'] });
    if (this.child.pid === undefined) throw new CamgateError('FFMPEG', `cannot start ${ffmpegPath}`);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.emit('exit', code, signal);
        resolve();
      });
    });
    // Without a listener an 'error' (spawn failure) would throw out of the event loop.
    this.child.on('error', (err) => this.emit('stderr', `spawn error: ${err.message}`));
    this.child.stdout?.on('data', (chunk: Buffer) => this.emit('data', chunk));
    this.child.stderr?.on('data', (chunk: Buffer) => this.onStderr(chunk.toString('utf8')));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM, then SIGKILL if ffmpeg has not exited within `graceMs` (a stuck RTSP read ignores SIGTERM). */
  async stop(graceMs = 2000): Promise<void> {
    if (!this.running) return this.exited;
    this.child.kill('SIGTERM');
    const timer = this.clock.setTimeout(() => {
      if (this.running) this.child.kill('SIGKILL');
    }, graceMs);
    await this.exited;
    timer.cancel();
  }

  private onStderr(text: string): void {
    const lines = (this.stderrTail + text).split(/\r?\n|\r/);
    this.stderrTail = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      // "Stream #0:0: Video: h264 (High), yuv420p(progressive), 640x360, 25 fps" of the input.
      const size = /Stream #0:\d+.*Video: .*?\b(\d{2,5})x(\d{2,5})\b/.exec(line);
      if (size && this.listenerCount('size') > 0) this.emit('size', Number(size[1]), Number(size[2]));
      this.emit('stderr', line);
    }
  }
}
