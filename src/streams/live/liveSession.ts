import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { Log } from '../../shared/log.js';
import { redactText } from '../../shared/redact.js';
import type { Service } from '../../shared/service.js';
import { livePage } from './livePage.js';
import { Mpeg1Source } from './mpeg1Source.js';
import { MpegTsPictureCounter } from './mpegTsPictures.js';
import { OPEN, type ViewerSocket, viewerSocketServer } from './viewerSockets.js';

export interface LiveSessionDeps {
  readonly clock: Clock;
  readonly log: Log;
  readonly cameraId: string;
  /** With credentials: it goes to ffmpeg only, never to a log or a page. */
  readonly rtspUrl: string;
  /** 0 = any free port. The server listens on 127.0.0.1 only (reach it over `ssh -L`). */
  readonly port: number;
  /** Keep ffmpeg this long after the last viewer left, so a page reload does not restart it. */
  readonly idleGraceMs?: number;
  /** No video this long while ffmpeg runs: stop it and tell the viewers. */
  readonly stallMs?: number;
  readonly ffmpegPath?: string;
}

/**
 * `camgate live`: a loopback web page plus one ffmpeg (RTSP → MPEG-1 over WebSocket) that runs
 * only while someone watches. Every ffmpeg we start is stopped by `stop()`; none outlives us.
 */
export class LiveSession implements Service {
  readonly name = 'live';
  private server: http.Server | undefined;
  private readonly sockets = viewerSocketServer();
  private readonly viewers = new Set<ViewerSocket>();
  private readonly greeted = new WeakSet<ViewerSocket>();
  private source: Mpeg1Source | undefined;
  private counter = new MpegTsPictureCounter();
  private size: { width: number; height: number } | undefined;
  private idleTimer: TimerHandle | undefined;
  private tick: TimerHandle | undefined;
  private lastDataMono = 0;
  private lastPictures = 0;
  private lastError = '';

  constructor(private readonly deps: LiveSessionDeps) {}

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  /** The running ffmpeg's PID, for tests and for `camgate live` to report. */
  get ffmpegPid(): number | undefined {
    return this.source?.running ? this.source.pid : undefined;
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  async start(): Promise<void> {
    const server = http.createServer((req, res) => {
      if (req.method === 'GET' && (req.url === '/' || req.url === '/index.html')) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(livePage(this.deps.cameraId));
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
    });
    server.on('upgrade', (req, socket, head) => {
      if (req.url !== '/ws') {
        socket.destroy();
        return;
      }
      this.sockets.handleUpgrade(req, socket, head, (ws) => this.onViewer(ws));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.deps.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.tick = this.deps.clock.setInterval(() => this.onTick(), 1000);
  }

  async stop(): Promise<void> {
    this.tick?.cancel();
    this.idleTimer?.cancel();
    for (const ws of this.viewers) ws.terminate();
    this.viewers.clear();
    await this.stopSource('stopping');
    this.sockets.close();
    const server = this.server;
    this.server = undefined;
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  }

  private onViewer(ws: ViewerSocket): void {
    this.viewers.add(ws);
    this.idleTimer?.cancel();
    this.idleTimer = undefined;
    ws.on('error', (err) => this.deps.log.debug({ err }, 'viewer socket error'));
    ws.on('close', () => this.onViewerLeft(ws));
    this.deps.log.info({ viewers: this.viewers.size }, 'viewer connected');
    if (this.size) this.greet(ws);
    if (!this.source) this.startSource();
    else send(ws, JSON.stringify({ status: 'live' }));
  }

  private onViewerLeft(ws: ViewerSocket): void {
    this.viewers.delete(ws);
    this.deps.log.info({ viewers: this.viewers.size }, 'viewer left');
    if (this.viewers.size > 0 || !this.source) return;
    this.idleTimer = this.deps.clock.setTimeout(() => {
      this.idleTimer = undefined;
      if (this.viewers.size === 0) void this.stopSource('last viewer left');
    }, this.deps.idleGraceMs ?? 3000);
  }

  private startSource(): void {
    const source = new Mpeg1Source(this.deps.rtspUrl, this.deps.clock, this.deps.ffmpegPath);
    this.source = source;
    this.counter = new MpegTsPictureCounter();
    this.lastPictures = 0;
    this.lastDataMono = this.deps.clock.monotonic();
    this.deps.log.info({ pid: source.pid }, 'ffmpeg started');
    this.broadcastText({ status: 'connecting to the camera' });
    source.on('size', (width, height) => {
      if (this.size) return;
      this.size = { width, height };
      for (const ws of this.viewers) this.greet(ws);
    });
    source.on('data', (chunk) => {
      this.lastDataMono = this.deps.clock.monotonic();
      this.counter.push(chunk);
      for (const ws of this.viewers) if (this.greeted.has(ws)) send(ws, chunk);
    });
    source.on('stderr', (line) => {
      const safe = redactText(line);
      if (/error|unauthorized|refused|timed out|invalid/i.test(safe)) this.lastError = safe;
      this.deps.log.debug({ ffmpeg: safe }, 'ffmpeg');
    });
    source.on('exit', (code, signal) => {
      if (this.source === source) this.source = undefined;
      this.deps.log.info({ code, signal }, 'ffmpeg exited');
      if (this.viewers.size > 0 && signal === null) {
        this.broadcastText({
          status: `ffmpeg exited (${code}): ${this.lastError || 'stream ended'}; reload to retry`,
        });
      }
    });
  }

  private async stopSource(why: string): Promise<void> {
    const source = this.source;
    this.source = undefined;
    if (!source) return;
    this.deps.log.info({ pid: source.pid, why }, 'stopping ffmpeg');
    await source.stop();
  }

  /** node-rtsp-stream's stream header ("jsmp", width, height) goes first, then video. */
  private greet(ws: ViewerSocket): void {
    if (!this.size || this.greeted.has(ws)) return;
    const header = Buffer.alloc(8);
    header.write('jsmp', 0, 'ascii');
    header.writeUInt16BE(this.size.width, 4);
    header.writeUInt16BE(this.size.height, 6);
    send(ws, header);
    this.greeted.add(ws);
  }

  private onTick(): void {
    const source = this.source;
    if (!source) return;
    const idleMs = this.deps.clock.monotonic() - this.lastDataMono;
    const stallMs = this.deps.stallMs ?? 15_000;
    if (idleMs > stallMs) {
      this.deps.log.warn({ idleMs: Math.round(idleMs) }, 'no video from ffmpeg; stopping it');
      this.broadcastText({
        status: `no video for ${Math.round(idleMs / 1000)} s: ${this.lastError || 'camera silent'}`,
      });
      void this.stopSource('stalled');
      return;
    }
    const pictures = this.counter.pictures;
    this.broadcastText({
      status: pictures > 0 ? 'live' : 'connecting to the camera',
      pictures,
      fps: pictures - this.lastPictures,
    });
    this.lastPictures = pictures;
  }

  private broadcastText(message: Record<string, unknown>): void {
    const text = JSON.stringify(message);
    for (const ws of this.viewers) send(ws, text);
  }
}

function send(ws: ViewerSocket, data: Buffer | string): void {
  if (ws.readyState === OPEN) ws.send(data, { binary: typeof data !== 'string' });
}
