import { credentialFor } from '../../config/credentials.js';
import { loadConfigFile, resolveConfigPath } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { CamgateError, UsageError } from '../../shared/errors.js';
import { createLog } from '../../shared/log.js';
import { safeUrl } from '../../shared/redact.js';
import { withCredentials } from '../../shared/urlCredentials.js';
import { type FfmpegTransport, otherTransport } from '../../streams/ffmpeg/rtspTransport.js';
import { LiveSession } from '../../streams/live/liveSession.js';
import { parseCommandArgs } from '../args.js';
import type { CliCommand } from '../command.js';
import { controlRequest } from '../controlClient.js';

export const liveCommand: CliCommand = {
  name: 'live',
  usage:
    'camgate live CAMERA [--config PATH] [--port N]\n' +
    '  CAMERA: camera id or address (from the daemon or config), or rtsp://host/path\n' +
    '  the page listens on 127.0.0.1 only; from a laptop: ssh -L N:127.0.0.1:N <nvr> (the same N on both ends)',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      'live',
      args,
      { config: { type: 'string' }, port: { type: 'string' } },
      true,
    );
    const [camera, ...extra] = positionals;
    if (!camera || extra.length > 0) throw new UsageError(`usage: ${this.usage}`);
    const port = Number(values.port ?? '8090');
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      throw new UsageError(`camgate live: --port must be 0-65535 (got '${values.port}')`);
    }
    const config = loadConfigFile(resolveConfigPath(values.config, io.env));
    const target = await resolveLiveTarget(config, camera);
    const log = createLog({ level: config.log.level }).child({ module: 'live', cameraId: target.id });
    const session = new LiveSession({
      clock: io.clock,
      log,
      cameraId: target.id,
      rtspUrl: liveSourceUrl(config, target),
      port,
      transports: await liveTransports(config, target),
    });
    const stopped = waitForSignal();
    await session.start();
    io.stdout.write(
      `camgate live: ${target.id} (${safeUrl(target.url)})\nopen http://127.0.0.1:${session.port}/  (Ctrl-C to stop)\n`,
    );
    const signal = await stopped;
    log.info({ signal }, 'stopping live view');
    await session.stop();
    log.flush();
    return 0;
  },
};

export interface LiveTarget {
  readonly id: string;
  readonly address: string;
  /** Without credentials. */
  readonly url: string;
}

interface InventoryCamera {
  readonly id: string;
  readonly address: string;
  readonly profiles?: readonly { readonly rtspUrl: string; readonly role?: string }[];
}

/** A URL given as is, a static camera from config, else the daemon's inventory (main profile: best for focus). */
export async function resolveLiveTarget(config: Readonly<Config>, camera: string): Promise<LiveTarget> {
  if (/^rtsps?:\/\//.test(camera)) {
    const url = new URL(camera);
    if (url.password) throw new UsageError('camgate live: CAMERA must not carry a password; use credentials');
    return { id: url.hostname, address: url.hostname, url: camera };
  }
  const fromConfig = config.cameras.find((c) => c.rtsp && (c.id === camera || c.address === camera));
  if (fromConfig?.rtsp) {
    const url = new URL(fromConfig.rtsp);
    return { id: fromConfig.id ?? camera, address: url.hostname, url: fromConfig.rtsp };
  }
  let doc: { cameras?: readonly InventoryCamera[] };
  try {
    doc = (await controlRequest(config.control.socket, 'GET', '/cameras', undefined, 5000)) as typeof doc;
  } catch (err) {
    throw new CamgateError(
      'CONTROL_UNAVAILABLE',
      `camera '${camera}' has no rtsp URL in the config and the daemon's inventory is unavailable`,
      { cause: err },
    );
  }
  const found = (doc.cameras ?? []).find((c) => c.id === camera || c.address === camera);
  if (!found)
    throw new UsageError(`camgate live: CAMERA '${camera}' is not in the inventory (camgate cameras)`);
  const profiles = found.profiles ?? [];
  const profile = profiles.find((p) => p.role === 'main') ?? profiles[0];
  if (!profile) throw new CamgateError('USAGE', `camera '${found.id}' has no stream profile yet`);
  return { id: found.id, address: found.address, url: profile.rtspUrl };
}

/** The URL ffmpeg gets: the target's, with the configured credential (so with the password). */
export function liveSourceUrl(config: Readonly<Config>, target: LiveTarget): string {
  return withCredentials(target.url, credentialFor(config, { id: target.id, address: target.address }));
}

/**
 * ffmpeg's RTP transports, in order: the camera's configured one; else the one the daemon's
 * monitor plays over, then the other; else TCP, then UDP.
 */
export async function liveTransports(
  config: Readonly<Config>,
  target: LiveTarget,
): Promise<FfmpegTransport[]> {
  const configured = config.cameras.find(
    (c) =>
      (c.id !== undefined && c.id === target.id) || (c.address !== undefined && c.address === target.address),
  )?.transport;
  if (configured === 'tcp' || configured === 'udp') return [configured];
  let learnt: unknown;
  try {
    const doc = (await controlRequest(config.control.socket, 'GET', '/status', undefined, 2000)) as {
      cameras?: readonly { cameraId?: string; stream?: { transport?: unknown } }[];
    };
    learnt = doc.cameras?.find((c) => c.cameraId === target.id)?.stream?.transport;
  } catch (err) {
    // No daemon (or an old one): nothing learnt, the default order applies.
    if (!(err instanceof CamgateError)) throw err;
  }
  return learnt === 'udp' || learnt === 'tcp' ? [learnt, otherTransport(learnt)] : ['tcp', 'udp'];
}

/** Ctrl-C (SIGINT) or SIGTERM; the listeners go away once one arrives. */
function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
