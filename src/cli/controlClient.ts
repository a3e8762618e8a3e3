import http from 'node:http';
import { readControlSocketLight, resolveConfigPath } from '../config/lightRead.js';
import { CamgateError } from '../shared/errors.js';

/** Which config a control-API-only command (`status`, `reload`, `cameras`) reads: `--config`, then the environment. */
export interface ConfigTarget {
  readonly flag: string | undefined;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * `controlRequest` to the daemon of a config, for commands that need nothing of the config but
 * `control.socket`. The socket comes from the light read (config/lightRead.ts); the full
 * validation (yaml + zod + schema, ~450 ms of the process on a loaded box, #14) runs only when
 * the light read cannot decide, or when no daemon listens there: a daemon that refused a bad
 * config is then the likely story, and the full validation names the field (exit 2) instead of
 * "no camgate daemon is running". Other fields are not validated while a daemon answers: the
 * daemon validated them when it started, and `camgate config check` validates the file.
 */
export async function requestDaemon(
  target: ConfigTarget,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  timeoutMs?: number,
): Promise<unknown> {
  const file = resolveConfigPath(target.flag, target.env);
  const light = readControlSocketLight(file);
  if (light === undefined) return controlRequest(await validatedSocket(file), method, path, body, timeoutMs);
  try {
    return await controlRequest(light, method, path, body, timeoutMs);
  } catch (err) {
    if (!noDaemonAt(err)) throw err;
    const socket = await validatedSocket(file);
    // Nothing reached a daemon, so a POST is not sent twice: a second try only for another socket.
    if (socket === light) throw err;
    return controlRequest(socket, method, path, body, timeoutMs);
  }
}

async function validatedSocket(file: string): Promise<string> {
  const { loadConfigFile } = await import('../config/load.js');
  return loadConfigFile(file).control.socket;
}

const NO_LISTENER = new Set(['ENOENT', 'ECONNREFUSED', 'ENOTDIR']);

/** The connect failed: no socket file, or nobody listening on it (the request never left). */
function noDaemonAt(err: unknown): boolean {
  if (!(err instanceof CamgateError) || err.code !== 'CONTROL_UNAVAILABLE') return false;
  const code = (err.cause as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && NO_LISTENER.has(code);
}

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
