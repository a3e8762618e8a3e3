import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import type { Log } from '../shared/log.js';
import type { CentreService } from './centreService.js';
import { DASHBOARD_HTML } from './dashboardPage.js';
import { figureAt } from './history.js';
import { figureMetrics } from './metrics.js';
import type { Registry } from './registry.js';
import { storedDays } from './store/dayFigures.js';
import { seqGaps, siteCameras } from './store/pictureRepo.js';
import { prunedBefore } from './store/prune.js';
import type { CentreDb } from './store/schema.js';
import { computeUptime } from './uptime.js';

export interface HttpDeps {
  readonly centre: CentreService;
  readonly registry: Registry;
  readonly db: Kysely<CentreDb>;
  readonly log: Log;
}

/** A body already serialised (the cached figure). */
class RawJson {
  constructor(readonly text: string) {}
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The JSON API the dashboard itself uses, the dashboard page, and Prometheus metrics. Read-only;
 * bound to loopback by default (docs/centre.md: TLS and auth belong to a reverse proxy).
 */
export class CentreHttp {
  private server: http.Server | undefined;

  constructor(private readonly deps: HttpDeps) {}

  async start(bind: string, port: number): Promise<number> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, bind, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'read-only API: GET only');
      const url = new URL(req.url ?? '/', 'http://centre');
      if (url.pathname === '/favicon.ico') {
        res.writeHead(204).end(); // browsers ask for it; a 404 would be a console error on every page
        return;
      }
      const body = await this.route(url);
      if (body instanceof RawJson) send(res, 200, 'application/json', body.text);
      else if (typeof body === 'string') {
        const type = url.pathname === '/metrics' ? 'text/plain; version=0.0.4' : 'text/html; charset=utf-8';
        send(res, 200, type, body);
      } else send(res, 200, 'application/json', JSON.stringify(body));
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 500;
      if (status === 500) this.deps.log.error({ err, url: req.url }, 'http request failed');
      const message = err instanceof HttpError ? err.message : 'internal error';
      send(res, status, 'application/json', JSON.stringify({ error: message }));
    }
  }

  private async route(url: URL): Promise<unknown> {
    const { centre, db, registry } = this.deps;
    const p = url.pathname;
    if (p === '/' || p === '/index.html') return DASHBOARD_HTML;
    if (p === '/metrics') return figureMetrics(await centre.figure(), centre.ingest.stats);
    if (p === '/api/figure') {
      const at = url.searchParams.get('at');
      if (at === null) return new RawJson(await centre.figureJson());
      if (!ISO.test(at))
        throw new HttpError(400, 'at must be an ISO-8601 UTC time such as 2026-03-07T12:00:00Z');
      await this.afterHorizon(at);
      return figureAt(db, registry, at, centre.figureOptions);
    }
    if (p === '/api/summary') {
      // Everything but the site list: what the national page polls.
      const { sites: _sites, ...rest } = await centre.figure();
      return rest;
    }
    const region = /^\/api\/regions\/([^/]+)$/.exec(p);
    if (region) {
      const name = decodeSegment(region[1]!);
      const f = await centre.figure();
      const group = f.regions.find((r) => r.key === name);
      if (!group) throw new HttpError(404, `no region '${name.slice(0, 64)}'`);
      const districts = f.districts.filter((d) => d.key.startsWith(`${name} / `));
      return { region: group, districts, sites: f.sites.filter((s) => s.region === name) };
    }
    if (p === '/api/history') return this.history(url);
    if (p === '/api/uptime') {
      const from = url.searchParams.get('from') ?? '';
      const to = url.searchParams.get('to') ?? '';
      if (!ISO.test(from) || !ISO.test(to) || to <= from) {
        throw new HttpError(400, 'from and to must be ISO-8601 UTC times, from before to');
      }
      await this.afterHorizon(from);
      return computeUptime(db, registry, from, to);
    }
    if (p === '/api/gaps') return seqGaps(db);
    if (p === '/api/stats') return { ...centre.ingest.stats, figureMs: centre.lastFigureMs };
    const site = /^\/api\/sites\/([^/]+)$/.exec(p);
    if (site) {
      const id = decodeSegment(site[1]!);
      const f = await centre.figure();
      const s = f.sites.find((x) => x.siteId === id) ?? f.unregistered.find((x) => x.siteId === id);
      if (!s) throw new HttpError(404, `no site '${id.slice(0, 64)}'`);
      return { site: s, cameras: await siteCameras(db, id) };
    }
    throw new HttpError(404, 'not found');
  }

  /** A past instant is computed from the raw logs: refused where retention pruned them. */
  private async afterHorizon(at: string): Promise<void> {
    const horizon = await prunedBefore(this.deps.db);
    if (horizon !== null && new Date(Date.parse(at)).toISOString() < horizon)
      throw new HttpError(
        400,
        `the raw history before ${horizon} was pruned (retention.rawDays); the daily figures are in /api/history`,
      );
  }

  private async history(url: URL): Promise<unknown> {
    const today = this.deps.centre.nowIso().slice(0, 10);
    const from = url.searchParams.get('from') ?? today;
    const to = url.searchParams.get('to') ?? today;
    if (!DAY.test(from) || !DAY.test(to)) throw new HttpError(400, 'from and to must be dates YYYY-MM-DD');
    // Counted, not listed: a request for years 0001–9999 must not build millions of day strings first.
    const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
    if (!(days <= 3660)) throw new HttpError(400, 'at most ten years at once');
    return storedDays(this.deps.db, from, to);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A path segment as text; a malformed `%` escape is the client's mistake (400), not ours (500). */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'malformed percent-escape in the path');
  }
}

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'",
  });
  res.end(body);
}
