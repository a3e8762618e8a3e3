import http from 'node:http';
import { CamgateError } from '../shared/errors.js';

/** One request to the running daemon's control socket; CONTROL_UNAVAILABLE when none answers. */
export function controlRequest(
  socketPath: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  timeoutMs = 15_000,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        socketPath,
        method,
        path,
        timeout: timeoutMs,
        // One request per connection: a pooled socket may belong to a daemon that has since stopped.
        agent: false,
        headers: payload
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
          : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : {};
          } catch (err) {
            reject(new CamgateError('CONTROL_UNAVAILABLE', 'daemon sent a malformed reply', { cause: err }));
            return;
          }
          if ((res.statusCode ?? 500) >= 400) {
            const msg = (parsed as { error?: unknown }).error;
            reject(
              new CamgateError(
                'CONTROL_UNAVAILABLE',
                typeof msg === 'string' ? msg : `HTTP ${res.statusCode}`,
              ),
            );
            return;
          }
          resolve(parsed);
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? 'no camgate daemon is running' : err.message;
      reject(
        new CamgateError('CONTROL_UNAVAILABLE', `${why} (control socket ${socketPath})`, { cause: err }),
      );
    });
    if (payload) req.write(payload);
    req.end();
  });
}
