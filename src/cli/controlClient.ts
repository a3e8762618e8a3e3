import { readControlSocketLight, resolveConfigPath } from '../config/lightRead.js';
import { INDENT_PARAM, INDENTED_HEADER } from '../shared/controlWire.js';
import { CamgateError } from '../shared/errors.js';
import { http } from '../shared/nodeHttp.js';
import { type CliIo, writeJson } from './command.js';

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
  return parseReply(await fetchDaemon(target, method, path, body, timeoutMs));
}

/** `requestDaemon`, the answer unparsed (`status --json` prints an indented one as it came). */
export async function fetchDaemon(
  target: ConfigTarget,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  timeoutMs?: number,
): Promise<ControlReply> {
  const file = resolveConfigPath(target.flag, target.env);
  const light = readControlSocketLight(file);
  if (light === undefined) return controlFetch(await validatedSocket(file), method, path, body, timeoutMs);
  try {
    return await controlFetch(light, method, path, body, timeoutMs);
  } catch (err) {
    if (!noDaemonAt(err)) throw err;
    const socket = await validatedSocket(file);
    // Nothing reached a daemon, so a POST is not sent twice: a second try only for another socket.
    if (socket === light) throw err;
    return controlFetch(socket, method, path, body, timeoutMs);
  }
}

/**
 * A listing's `--json`: GET `path` and print the document. The daemon indents it when asked, and
 * its bytes are then what `writeJson` would print: passed on, not parsed and encoded again (#14).
 */
export async function printDaemonJson(io: CliIo, target: ConfigTarget, path: string): Promise<void> {
  const reply = await fetchDaemon(target, 'GET', `${path}?${INDENT_PARAM}=2`);
  if (!reply.indented) {
    writeJson(io, parseReply(reply));
    return;
  }
  // Two writes, not a concatenation: copying ~600 kB once more was ~2 ms of the process.
  io.stdout.write(reply.body);
  io.stdout.write('\n');
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
export async function controlRequest(
  socketPath: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  timeoutMs?: number,
): Promise<unknown> {
  return parseReply(await controlFetch(socketPath, method, path, body, timeoutMs));
}

/** A successful answer of the daemon as it came over the socket. */
export interface ControlReply {
  readonly body: Buffer;
  /** The daemon indented it (`INDENT_PARAM` asked, and the daemon knows it): `JSON.stringify(value, null, 2)`. */
  readonly indented: boolean;
}

/** The answer's JSON; an empty body is `{}`. */
export function parseReply(reply: ControlReply): unknown {
  const text = reply.body.toString('utf8');
  try {
    return text ? JSON.parse(text) : {};
  } catch (err) {
    throw new CamgateError('CONTROL_UNAVAILABLE', 'daemon sent a malformed reply', { cause: err });
  }
}

/** `controlRequest` without parsing a successful answer; an HTTP error is still a CONTROL_UNAVAILABLE. */
export function controlFetch(
  socketPath: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  timeoutMs = 15_000,
): Promise<ControlReply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        socketPath,
        // Any IPv4 literal: http.Agent tests the host with net.isIP, and 'localhost' (the default)
        // reaches its IPv6 regular expression, whose first compile was 10-15 ms of `status` (#14).
        host: '127.0.0.1',
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
        // A daemon that dies mid-answer closes the response without 'end'.
        res.on('close', () => {
          if (!res.complete)
            reject(
              new CamgateError(
                'CONTROL_UNAVAILABLE',
                `the daemon closed the connection mid-answer (control socket ${socketPath})`,
              ),
            );
        });
        res.on('end', () => {
          const reply = { body: Buffer.concat(chunks), indented: res.headers[INDENTED_HEADER] === '2' };
          if ((res.statusCode ?? 500) < 400) {
            resolve(reply);
            return;
          }
          try {
            const msg = (parseReply(reply) as { error?: unknown }).error;
            reject(
              new CamgateError(
                'CONTROL_UNAVAILABLE',
                typeof msg === 'string' ? msg : `HTTP ${res.statusCode}`,
              ),
            );
          } catch (err) {
            reject(err);
          }
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
