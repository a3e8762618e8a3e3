import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { Log } from '../../shared/log.js';
import { redactText } from '../../shared/redact.js';
import type { Service } from '../../shared/service.js';
import { type FfmpegTransport, transportRefused } from '../ffmpeg/rtspTransport.js';
import { readJsmpegScript } from './jsmpegScript.js';
import { livePage, PLAYER_PATH, STATUS_PATH, VIDEO_PATH } from './livePage.js';
import { allowedHost, allowedOrigin } from './loopbackOrigin.js';
import { Mpeg1Source } from './mpeg1Source.js';
import { MpegTsPictureCounter } from './mpegTsPictures.js';
import { TsJoinPoint } from './tsJoinPoint.js';
import { MAX_VIEWER_BACKLOG, ViewerFanout } from './viewerFanout.js';
import { type ViewerSocket, viewerSocketServer } from './viewerSockets.js';

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
  /**
   * RTP transports for ffmpeg, in order: the next one is tried when the camera refuses one (461).
   * Default TCP, then UDP (ffmpeg's own default would try UDP first).
   */
  readonly transports?: readonly FfmpegTransport[];
  /** JSMpeg's browser build; default: read from the installed package. */
  readonly playerScript?: () => Buffer;
  /** Bytes queued for one viewer before it skips to a later keyframe (`ViewerFanout`). */
  readonly maxViewerBacklog?: number;
}

/** What `GET /status` answers. */
export interface LiveStatus {
  readonly status: string;
  readonly width?: number;
  readonly height?: number;
  readonly pictures: number;
  readonly fps: number;
  readonly viewers: number;
  /** Viewers whose connection is slower than the stream, skipping to a later keyframe. */
  readonly behind: number;
  /** The most bytes queued in the gateway for one viewer. */
  readonly backlog: number;
}

/**
 * `camgate live`: a loopback web page plus one ffmpeg (RTSP → MPEG-1 in MPEG-TS) shared by every
 * viewer and run only while someone watches. A viewer's video socket starts at a join point (see
 * `TsJoinPoint`), so one who arrives late decodes too. Every ffmpeg we start is stopped by `stop()`.
 */
export class LiveSession implements Service {
  readonly name = 'live';
  private server: http.Server | undefined;
  /** Kept through `stop()`, so a request still in flight is judged against the port it came to. */
  private listenPort = 0;
  private readonly sockets = viewerSocketServer();
  private readonly viewers: ViewerFanout;
  private source: Mpeg1Source | undefined;
  private join = new TsJoinPoint();
  private counter = new MpegTsPictureCounter();
  private size: { width: number; height: number } | undefined;
  private idleTimer: TimerHandle | undefined;
  private tick: TimerHandle | undefined;
  private lastDataMono = 0;
  private lastPictures = 0;
  private fps = 0;
  private status = 'waiting for a viewer';
  private lastError = '';
  /** Index into the transports of the ffmpeg now running (or last run). */
  private transportIndex = 0;
  /** ffmpegs told to stop and not yet gone; `stop()` waits for them too. */
  private readonly stopping = new Set<Promise<void>>();
  /** `stop()` has begun: no new viewer, no new ffmpeg, no new timer. */
  private closing = false;

  constructor(private readonly deps: LiveSessionDeps) {
    this.viewers = new ViewerFanout(deps.log, deps.maxViewerBacklog ?? MAX_VIEWER_BACKLOG);
  }

  get port(): number {
    return this.listenPort;
  }

  /** The running ffmpeg's PID, for tests and for `camgate live` to report. */
  get ffmpegPid(): number | undefined {
    return this.source?.running ? this.source.pid : undefined;
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  async start(): Promise<void> {
    const server = http.createServer((req, res) =>
      this.guard(
        'page request',
        () => this.onRequest(req, res),
        () => fail(res),
      ),
    );
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) =>
      this.guard(
        'video socket upgrade',
        () => this.onUpgrade(req, socket, head),
        () => socket.destroy(),
      ),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.deps.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.listenPort = (server.address() as AddressInfo).port;
    this.tick = this.deps.clock.setInterval(() => this.guard('tick', () => this.onTick()), 1000);
  }

  async stop(): Promise<void> {
    // First, before any await: a viewer arriving while the old ffmpeg exits (up to 2 s) would
    // otherwise start a new one that nothing stops (review finding).
    this.closing = true;
    this.tick?.cancel();
    this.idleTimer?.cancel();
    this.idleTimer = undefined;
    const server = this.server;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => {
      if (server) server.close(() => resolve());
      else resolve();
    });
    server?.closeIdleConnections();
    for (const ws of this.viewers.sockets()) ws.terminate();
    this.viewers.clear();
    await this.stopSource('stopping', 'stopped');
    // An ffmpeg stopped earlier (last viewer left, stall) may still be on its way out.
    await Promise.all(this.stopping);
    this.sockets.close();
    server?.closeAllConnections();
    await closed;
  }

  /** A throwing handler answers 500 (or drops the socket) and is logged; it never ends the process. */
  private guard(what: string, run: () => void, recover?: () => void): void {
    try {
      run();
    } catch (err) {
      this.deps.log.error({ err }, `${what} failed`);
      recover?.();
    }
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (!allowedHost(req.headers.host, this.port)) {
      this.deps.log.warn({ path }, 'refused a request for another host name (DNS rebinding?)');
      reply(res, 421, 'text/plain', `misdirected request: open http://127.0.0.1:${this.port}/\n`);
    } else if (req.method !== 'GET') reply(res, 405, 'text/plain', 'method not allowed\n');
    else if (path === '/' || path === '/index.html') {
      reply(res, 200, 'text/html; charset=utf-8', livePage(this.deps.cameraId));
    } else if (path === PLAYER_PATH) {
      reply(res, 200, 'text/javascript; charset=utf-8', (this.deps.playerScript ?? readJsmpegScript)());
    } else if (path === STATUS_PATH) {
      reply(res, 200, 'application/json', JSON.stringify(this.snapshot()));
    } else reply(res, 404, 'text/plain', 'not found\n');
  }

  private onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    if (req.url !== VIDEO_PATH) {
      socket.destroy();
      return;
    }
    if (this.closing) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (!allowedHost(req.headers.host, this.port) || !allowedOrigin(req.headers.origin, this.port)) {
      // A page from another site (or a rebound name) asking for the camera's video.
      this.deps.log.warn(
        { origin: req.headers.origin ?? null },
        'refused a video socket from another origin',
      );
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.sockets.handleUpgrade(req, socket, head, (ws) =>
      this.guard(
        'viewer',
        () => this.onViewer(ws),
        () => ws.terminate(),
      ),
    );
  }

  snapshot(): LiveStatus {
    return {
      status: this.status,
      ...this.size,
      pictures: this.counter.pictures,
      fps: this.fps,
      viewers: this.viewers.size,
      behind: this.viewers.behind,
      backlog: this.viewers.backlog,
    };
  }

  private onViewer(ws: ViewerSocket): void {
    if (this.closing) {
      ws.terminate();
      return;
    }
    this.viewers.add(ws);
    this.idleTimer?.cancel();
    this.idleTimer = undefined;
    ws.on('error', (err) => this.deps.log.debug({ err }, 'viewer socket error'));
    ws.on('close', () => this.guard('viewer left', () => this.onViewerLeft(ws)));
    this.deps.log.info({ viewers: this.viewers.size }, 'viewer connected');
    if (!this.source) this.startSource(0);
    else this.viewers.join(ws, () => this.join.joinBurst());
  }

  private onViewerLeft(ws: ViewerSocket): void {
    this.viewers.delete(ws);
    this.deps.log.info({ viewers: this.viewers.size }, 'viewer left');
    if (this.closing || this.viewers.size > 0 || !this.source) return;
    this.idleTimer = this.deps.clock.setTimeout(() => {
      this.idleTimer = undefined;
      if (this.viewers.size === 0) void this.stopSource('last viewer left', 'waiting for a viewer');
    }, this.deps.idleGraceMs ?? 3000);
  }

  private startSource(transportIndex: number): void {
    const transports = this.deps.transports ?? ['tcp', 'udp'];
    this.transportIndex = transportIndex;
    const transport = transports[transportIndex] ?? 'tcp';
    const source = new Mpeg1Source(this.deps.rtspUrl, this.deps.clock, this.deps.ffmpegPath, transport);
    let refused = false;
    this.source = source;
    this.join = new TsJoinPoint();
    this.counter = new MpegTsPictureCounter();
    this.viewers.rejoinAll();
    this.lastPictures = 0;
    this.lastDataMono = this.deps.clock.monotonic();
    this.status = 'connecting to the camera';
    this.lastError = '';
    this.deps.log.info({ pid: source.pid, transport }, 'ffmpeg started');
    source.on('size', (width, height) => {
      this.size ??= { width, height };
    });
    // A stopped ffmpeg still writes until it exits; its bytes must not reach the next one's viewers.
    source.on('data', (chunk) => {
      if (source === this.source) this.guard('video relay', () => this.onData(chunk));
    });
    source.on('stderr', (line) => {
      const safe = redactText(line);
      const current = source === this.source;
      if (transportRefused(safe)) refused = true;
      if (current && /error|unauthorized|refused|timed out|invalid/i.test(safe)) this.lastError = safe;
      this.deps.log.debug({ ffmpeg: safe }, 'ffmpeg');
    });
    source.on('exit', (code, signal) => {
      this.deps.log.info({ pid: source.pid, code, signal }, 'ffmpeg exited');
      // One we stopped: `stopSource` set the status and why (ffmpeg answers SIGTERM with exit code
      // 255, which is no news), and a newer ffmpeg may be connecting by now.
      if (source !== this.source) return;
      this.source = undefined;
      if (refused && this.transportIndex + 1 < transports.length && this.viewers.size > 0 && !this.closing) {
        this.deps.log.info({ refused: transport }, 'camera refused the RTP transport; trying the next');
        this.startSource(this.transportIndex + 1);
        return;
      }
      this.status = `ffmpeg exited (${code ?? signal}): ${this.lastError || 'stream ended'}; reload to retry`;
    });
  }

  private onData(chunk: Buffer): void {
    this.lastDataMono = this.deps.clock.monotonic();
    const packets = this.join.push(chunk);
    if (packets.length === 0) return;
    this.counter.push(packets);
    if (this.counter.pictures > 0) this.status = 'live';
    this.viewers.push(packets, () => this.join.joinBurst());
  }

  /** Stops the running ffmpeg; `status` is what the page shows afterwards (its exit does not change it). */
  private async stopSource(why: string, status: string): Promise<void> {
    const source = this.source;
    this.source = undefined;
    if (!source) return;
    this.status = status;
    this.deps.log.info({ pid: source.pid, why }, 'stopping ffmpeg');
    const stopped = source.stop();
    this.stopping.add(stopped);
    try {
      await stopped;
    } finally {
      this.stopping.delete(stopped);
    }
  }

  private onTick(): void {
    const source = this.source;
    if (!source) return;
    const idleMs = this.deps.clock.monotonic() - this.lastDataMono;
    const stallMs = this.deps.stallMs ?? 15_000;
    if (idleMs > stallMs) {
      this.deps.log.warn({ idleMs: Math.round(idleMs) }, 'no video from ffmpeg; stopping it');
      const status = `no video for ${Math.round(idleMs / 1000)} s: ${this.lastError || 'camera silent'}`;
      void this.stopSource('stalled', `${status}; reload to retry`);
      return;
    }
    const pictures = this.counter.pictures;
    this.fps = pictures - this.lastPictures;
    this.lastPictures = pictures;
  }
}

function reply(res: http.ServerResponse, code: number, type: string, body: string | Buffer): void {
  res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function fail(res: http.ServerResponse): void {
  if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
  res.end('internal error\n');
}
