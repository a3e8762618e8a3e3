import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Clock } from '../shared/clock.js';
import { CamgateError } from '../shared/errors.js';
import type { Net } from '../shared/net.js';
import { http } from '../shared/nodeHttp.js';

/** The deadline passed; `connected` tells a silent listener (likely a wedged camera) from an absent host. */
export class HttpDeadlineError extends CamgateError {
  constructor(
    message: string,
    readonly connected: boolean,
  ) {
    super('ONVIF_TIMEOUT', message);
    this.name = 'HttpDeadlineError';
  }
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body as UTF-8 text (SOAP). */
  readonly body: string;
  /** The same bytes, untouched (snapshots). */
  readonly raw: Buffer;
}

export interface BoundedRequest {
  readonly url: string;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Whole exchange, connect to last byte: a camera that drips one byte a second still ends. */
  readonly deadlineMs: number;
  readonly maxBytes: number;
  readonly signal?: AbortSignal;
}

/**
 * The one HTTP exchange every ONVIF call goes through: one deadline for connect + headers + body,
 * a response-size cap enforced on Content-Length and on the bytes actually read, no keep-alive
 * (a camera's half-broken connection must not poison the next call).
 */
export function boundedRequest(deps: { clock: Clock; net: Net }, req: BoundedRequest): Promise<HttpResponse> {
  const url = new URL(req.url);
  const port = Number(url.port || 80);
  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | undefined, res?: HttpResponse): void => {
      if (settled) return;
      settled = true;
      timer.cancel();
      req.signal?.removeEventListener('abort', onAbort);
      if (err) {
        request.destroy();
        reject(err);
      } else if (res) resolve(res);
    };
    let connected = false;
    const request = http.request({
      host: url.hostname,
      port,
      path: `${url.pathname}${url.search}`,
      method: req.method ?? 'POST',
      headers: {
        connection: 'close',
        ...req.headers,
        'content-length': String(Buffer.byteLength(req.body ?? '')),
      },
      // No `agent`: Node then uses this function (with `agent: false` it builds its own Agent and
      // ignores it), so sockets come from the injected Net and we see the connect event.
      createConnection: () => {
        const socket = deps.net.connect({ host: url.hostname, port });
        socket.once('connect', () => {
          connected = true;
        });
        return socket;
      },
    });
    const timer = deps.clock.setTimeout(
      () =>
        finish(
          new HttpDeadlineError(
            connected
              ? `${url.host} accepted the connection but sent no complete answer within ${req.deadlineMs} ms`
              : `no answer from ${url.host} within ${req.deadlineMs} ms`,
            connected,
          ),
        ),
      req.deadlineMs,
    );
    const onAbort = (): void =>
      finish(new CamgateError('ONVIF_TIMEOUT', 'aborted', { cause: req.signal?.reason }));
    req.signal?.addEventListener('abort', onAbort, { once: true });
    request.on('error', (err: NodeJS.ErrnoException) =>
      finish(
        new CamgateError('ONVIF_TIMEOUT', `${url.host} unreachable: ${err.code ?? err.message}`, {
          cause: err,
        }),
      ),
    );
    request.on('response', (res) => readBody(res, req.maxBytes, url.host, finish));
    request.end(req.body ?? '');
  });
}

function readBody(
  res: IncomingMessage,
  maxBytes: number,
  host: string,
  finish: (err: Error | undefined, res?: HttpResponse) => void,
): void {
  const tooLarge = (): CamgateError =>
    new CamgateError('ONVIF_TOO_LARGE', `answer from ${host} exceeds ${maxBytes} bytes`);
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.destroy();
    finish(tooLarge());
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) {
      res.destroy();
      finish(tooLarge());
      return;
    }
    chunks.push(chunk);
  });
  res.on('error', (err) =>
    finish(new CamgateError('ONVIF_TIMEOUT', `${host}: ${err.message}`, { cause: err })),
  );
  res.on('end', () => {
    const raw = Buffer.concat(chunks);
    finish(undefined, { status: res.statusCode ?? 0, headers: res.headers, body: raw.toString('utf8'), raw });
  });
}
