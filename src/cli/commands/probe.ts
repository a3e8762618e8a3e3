import fs from 'node:fs';
import net from 'node:net';
import { credentialFor } from '../../config/credentials.js';
import { loadConfigFile, resolveConfigPath } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { CamgateError, UsageError } from '../../shared/errors.js';
import { createLog } from '../../shared/log.js';
import { systemNet } from '../../shared/net.js';
import { safeUrl } from '../../shared/redact.js';
import { deepProbe } from '../../streams/ffmpeg/ffprobe.js';
import { type ProbeResult, probeStream } from '../../streams/probe.js';
import type { RtspCredential } from '../../streams/rtsp/rtspAuth.js';
import { parseCommandArgs } from '../args.js';
import { type CliCommand, type CliIo, writeJson } from '../command.js';
import { controlRequest } from '../controlClient.js';

export const probeCommand: CliCommand = {
  name: 'probe',
  usage:
    'camgate probe TARGET [--config PATH] [--json] [--deep] [--timeout SECONDS]   (TARGET: rtsp URL, address or camera id)',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      'probe',
      args,
      {
        config: { type: 'string' },
        json: { type: 'boolean' },
        deep: { type: 'boolean' },
        timeout: { type: 'string' },
      },
      true,
    );
    const [target, ...extra] = positionals;
    if (!target || extra.length > 0) throw new UsageError(`usage: ${this.usage}`);
    const timeoutS = values.timeout === undefined ? 5 : Number(values.timeout);
    if (!Number.isFinite(timeoutS) || timeoutS < 1 || timeoutS > 120) {
      throw new UsageError('camgate probe: --timeout must be 1..120 seconds');
    }
    const config = optionalConfig(values.config, io);
    const { url, credential, transport } = await resolveTarget(target, config);
    const log = createLog({ level: 'silent' });
    const deps = { clock: io.clock, net: systemNet, log };
    const result = await probeStream(deps, {
      url,
      credential,
      connectTimeoutMs: timeoutS * 1000,
      stepTimeoutMs: timeoutS * 1000,
      keyframeTimeoutMs: timeoutS * 1000,
      ...(transport && transport !== 'auto' ? { transports: [transport] } : {}),
    });
    const deep =
      values.deep && result.ok
        ? await deepProbe(deps, {
            url: withUserinfo(url, credential),
            timeoutMs: timeoutS * 1000,
            transport: result.transport,
          }).catch((err: unknown) => ({ error: String(err instanceof Error ? err.message : err) }))
        : undefined;
    if (values.json) writeJson(io, deep ? { ...result, deep } : result);
    else printResult(io, result, deep);
    return result.ok ? 0 : 1;
  },
};

/** The config is optional for a URL target; an explicit --config must load. */
function optionalConfig(flag: string | undefined, io: CliIo): Readonly<Config> | undefined {
  const path = resolveConfigPath(flag, io.env);
  if (flag === undefined && io.env.CAMGATE_CONFIG === undefined && !fs.existsSync(path)) return undefined;
  return loadConfigFile(path);
}

async function resolveTarget(
  target: string,
  config: Readonly<Config> | undefined,
): Promise<{ url: string; credential?: RtspCredential; transport?: 'auto' | 'tcp' | 'udp' }> {
  let url: string;
  let cameraId: string | undefined;
  let transport: 'auto' | 'tcp' | 'udp' | undefined;
  if (/^rtsps?:\/\//i.test(target)) {
    url = target;
  } else {
    const camera = config?.cameras.find((c) => c.id === target || c.address === target);
    const known = camera?.rtsp ? undefined : await inventoryUrl(config, target);
    if (camera?.rtsp) url = camera.rtsp;
    else if (known) url = known;
    else if (net.isIPv4(target) || camera?.address) url = `rtsp://${camera?.address ?? target}:554/`;
    else
      throw new UsageError(
        `camgate probe: '${target}' is not an rtsp URL, an IPv4 address or a known camera id`,
      );
    cameraId = camera?.id ?? (net.isIPv4(target) ? undefined : target);
    transport = camera?.transport;
  }
  const parsed = new URL(url);
  if (parsed.username || !config) return { url, transport };
  const credential = credentialFor(config, { id: cameraId, address: parsed.hostname });
  return { url, credential, transport };
}

/**
 * A discovered (ONVIF) camera's stream URL from the running daemon's inventory, sub stream first;
 * undefined when no daemon answers or it does not know the camera.
 */
async function inventoryUrl(
  config: Readonly<Config> | undefined,
  target: string,
): Promise<string | undefined> {
  if (!config) return undefined;
  let doc: unknown;
  try {
    doc = await controlRequest(config.control.socket, 'GET', '/cameras', undefined, 3000);
  } catch (err) {
    if (err instanceof CamgateError && err.code === 'CONTROL_UNAVAILABLE') return undefined;
    throw err;
  }
  const cameras = (doc as { cameras?: unknown }).cameras;
  if (!Array.isArray(cameras)) return undefined;
  const camera = cameras.find(
    (c: { id?: unknown; address?: unknown }) => c.id === target || c.address === target,
  ) as { profiles?: { rtspUrl?: unknown; role?: unknown }[] } | undefined;
  const profiles = (camera?.profiles ?? []).filter((p) => typeof p.rtspUrl === 'string');
  const pick = profiles.find((p) => p.role === 'sub') ?? profiles[profiles.length - 1];
  return typeof pick?.rtspUrl === 'string' ? pick.rtspUrl : undefined;
}

/** ffprobe only takes credentials in the URL. */
function withUserinfo(url: string, credential: RtspCredential | undefined): string {
  if (!credential) return url;
  const u = new URL(url);
  u.username = encodeURIComponent(credential.username);
  u.password = encodeURIComponent(credential.password);
  return u.toString();
}

function printResult(io: CliIo, result: ProbeResult, deep: unknown): void {
  io.stdout.write(`${safeUrl(result.url)}\n`);
  for (const l of result.layers) {
    const status = l.ok ? 'ok' : `FAIL${result.reason ? ` (${result.reason})` : ''}`;
    io.stdout.write(`  ${l.layer.padEnd(9)} ${status}${l.atMs !== undefined ? `  ${l.atMs} ms` : ''}\n`);
  }
  if (result.transport)
    io.stdout.write(
      `  transport ${result.transport === 'udp' ? 'RTP over UDP' : 'RTP over TCP (interleaved)'}\n`,
    );
  if (result.error) io.stdout.write(`  error: ${result.error.message} [${result.error.code}]\n`);
  const s = result.stream;
  if (s) {
    const facts = [
      s.codec,
      s.profile,
      s.width && s.height ? `${s.width}x${s.height}` : undefined,
      s.fps !== undefined ? `${s.fps} fps` : undefined,
      s.bitrateKbps !== undefined ? `${s.bitrateKbps} kbit/s` : undefined,
      s.keyframeIntervalS !== undefined ? `GOP ${s.keyframeIntervalS} s` : undefined,
      s.lossPct !== undefined ? `loss ${s.lossPct} %` : undefined,
      s.jitterMs !== undefined ? `jitter ${s.jitterMs} ms` : undefined,
    ].filter((x) => x !== undefined);
    io.stdout.write(`  stream: ${facts.join(', ')}\n`);
    if (s.timestampFault !== undefined)
      io.stdout.write(`  RTP timestamps ${s.timestampFault}: fps and GOP measured from arrival times\n`);
  }
  if (result.reasons && result.reasons.length > 0)
    io.stdout.write(`  reasons: ${result.reasons.join(', ')}\n`);
  if (deep) io.stdout.write(`  ffprobe: ${JSON.stringify(deep)}\n`);
  io.stdout.write(result.ok ? 'probe: ok\n' : `probe: failed at ${result.failedLayer}\n`);
}
