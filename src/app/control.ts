import fs from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { INDENT_PARAM, INDENTED_HEADER } from '../shared/controlWire.js';
import { CamgateError, errorMessage, UsageError } from '../shared/errors.js';
import type { Log } from '../shared/log.js';
import { http } from '../shared/nodeHttp.js';
import type { Service } from '../shared/service.js';

export interface ControlRequest {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: unknown;
}

export type RouteHandler = (req: ControlRequest) => unknown | Promise<unknown>;

interface Route {
  readonly method: 'GET' | 'POST';
  readonly parts: readonly string[];
  readonly handler: RouteHandler;
}

const MAX_BODY = 64 * 1024;

/** Thrown by a handler for a 404 (unknown camera and the like). */
export class NotFoundError extends CamgateError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

/**
 * Local control API: HTTP+JSON on the Unix socket from config, used by the CLI.
 * Modules register routes from their wiring in `app/`; handlers return plain data.
 */
export class ControlServer implements Service {
  readonly name = 'control';
  private readonly routes: Route[] = [];
  private server: Server | undefined;

  constructor(private readonly deps: { socketPath: string; log: Log }) {}

  has(method: 'GET' | 'POST', pattern: string): boolean {
    const parts = pattern.split('/').filter(Boolean);
    return this.routes.some((r) => r.method === method && r.parts.join('/') === parts.join('/'));
  }

  route(method: 'GET' | 'POST', pattern: string, handler: RouteHandler): void {
    this.routes.push({ method, parts: pattern.split('/').filter(Boolean), handler });
  }

  /** Runs a route in-process (MQTT commands reuse the CLI's routes); 404 as NotFoundError. */
  async invoke(method: 'GET' | 'POST', pathname: string, body?: unknown): Promise<unknown> {
    const url = new URL(pathname, 'http://camgate.local');
    const match = this.match(method, url.pathname);
    if (!match) throw new NotFoundError(`no route ${method} ${url.pathname}`);
    return match.route.handler({ params: match.params, query: url.searchParams, body });
  }

  async start(): Promise<void> {
    const { socketPath, log } = this.deps;
    fs.mkdirSync(path.dirname(socketPath), { recursive: true, mode: 0o750 });
    await removeStaleSocket(socketPath);
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        log.error({ err }, 'control request failed');
        send(res, 500, { error: errorMessage(err) });
      });
    });
    server.requestTimeout = 30_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    fs.chmodSync(socketPath, 0o660);
    log.info({ socket: socketPath }, 'control socket listening');
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    fs.rmSync(this.deps.socketPath, { force: true });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://camgate.local');
    const match = this.match(req.method ?? 'GET', url.pathname);
    if (!match) {
      send(res, 404, { error: `no route ${req.method} ${url.pathname}` });
      return;
    }
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    const indented = req.method === 'GET' && url.searchParams.get(INDENT_PARAM) === '2';
    try {
      const result = await match.route.handler({ params: match.params, query: url.searchParams, body });
      send(res, 200, result ?? {}, indented);
    } catch (err) {
      if (err instanceof NotFoundError) send(res, 404, { error: err.message });
      else throw err;
    }
  }

  private match(
    method: string,
    pathname: string,
  ): { route: Route; params: Record<string, string> } | undefined {
    const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
    for (const route of this.routes) {
      if (route.method !== method || route.parts.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const ok = route.parts.every((p, i) => {
        const actual = parts[i] as string;
        if (p.startsWith(':')) {
          params[p.slice(1)] = actual;
          return true;
        }
        return p === actual;
      });
      if (ok) return { route, params };
    }
    return undefined;
  }
}

function send(res: ServerResponse, status: number, body: unknown, indented = false): void {
  if (res.headersSent) return;
  const text = indented ? JSON.stringify(body, null, 2) : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...(indented ? { [INDENTED_HEADER]: '2' } : {}),
  });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new CamgateError('USAGE', 'control request body too large');
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** A socket file left by a killed daemon blocks listen(); one with a live listener means we run twice. */
export async function removeStaleSocket(socketPath: string): Promise<void> {
  if (!fs.existsSync(socketPath)) return;
  if (!fs.statSync(socketPath).isSocket()) {
    throw new UsageError(`control.socket: ${socketPath} exists and is not a socket`);
  }
  const live = await new Promise<boolean>((resolve) => {
    const probe = net.connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (live) throw new UsageError(`control.socket: another camgate daemon is listening on ${socketPath}`);
  fs.rmSync(socketPath, { force: true });
}
