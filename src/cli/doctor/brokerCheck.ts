import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { connect } from 'mqtt';
import { readSecretFile } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { errorMessage } from '../../shared/errors.js';
import { safeUrl } from '../../shared/redact.js';
import { type Check, type CheckResult, type DoctorDeps, fail, ok, warn, withTimeout } from './check.js';

type Step = { ok: true; detail: string } | { ok: false; detail: string };
type MqttConfig = Config['mqtt'];

/** Each broker URL in turn through the layers that can break: TCP, TLS (mqtts), MQTT CONNECT/CONNACK. */
export const brokerCheck: Check = async (deps) => {
  const { config } = deps;
  if (!config) return [warn('broker', 'skipped: configuration did not load', 'fix the configuration first')];
  const urls = [config.mqtt.url, ...config.mqtt.urls];
  return Promise.all(urls.map((url) => checkBroker(deps, config, url)));
};

async function checkBroker(deps: DoctorDeps, config: Readonly<Config>, url: string): Promise<CheckResult> {
  const name = `broker ${safeUrl(url)}`;
  const u = new URL(url);
  const secure = u.protocol === 'mqtts:';
  const host = u.hostname;
  const port = Number(u.port || (secure ? 8883 : 1883));
  const tcp = await timed(deps, tcpStep(host, port), `TCP connect to ${host}:${port}`);
  if (!tcp.ok)
    return fail(
      name,
      tcp.detail,
      'is the broker running and the port open? (systemctl status mosquitto, firewall)',
    );
  let tlsOptions: TlsFiles = {};
  if (secure) {
    tlsOptions = tlsFiles(config.mqtt);
    const hs = await timed(deps, tlsStep(host, port, tlsOptions), 'TLS handshake');
    if (!hs.ok)
      return fail(name, hs.detail, 'check mqtt.ca (the broker certificate chain) and the broker host name');
  }
  let password: string | undefined;
  if (config.mqtt.passwordFile) password = readSecretFile(config.mqtt.passwordFile);
  const m = await timed(deps, mqttStep(deps, config, url, tlsOptions, password), 'MQTT CONNACK');
  if (!m.ok)
    return fail(
      name,
      m.detail,
      'check mqtt.username / mqtt.passwordFile, the broker ACL and protocolVersion',
    );
  return ok(name, `${tcp.detail}; ${secure ? 'TLS ok; ' : ''}${m.detail}`);
}

function timed(deps: DoctorDeps, step: Promise<Step>, what: string): Promise<Step> {
  return withTimeout(deps.clock, step, deps.timeoutMs, () => ({
    ok: false,
    detail: `${what}: no answer within ${deps.timeoutMs / 1000}s`,
  }));
}

function tcpStep(host: string, port: number): Promise<Step> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve({ ok: true, detail: `TCP ${host}:${port} open` });
    });
    s.once('error', (err: NodeJS.ErrnoException) => {
      s.destroy();
      resolve({ ok: false, detail: `TCP ${host}:${port}: ${err.code ?? errorMessage(err)}` });
    });
  });
}

interface TlsFiles {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
}

function tlsFiles(m: MqttConfig): TlsFiles {
  return {
    ...(m.ca ? { ca: fs.readFileSync(m.ca) } : {}),
    ...(m.cert ? { cert: fs.readFileSync(m.cert) } : {}),
    ...(m.key ? { key: fs.readFileSync(m.key) } : {}),
  };
}

function tlsStep(host: string, port: number, options: TlsFiles): Promise<Step> {
  return new Promise((resolve) => {
    const s = tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ...options });
    s.once('secureConnect', () => {
      const detail = `TLS ${s.getProtocol() ?? '?'} ${s.getCipher().name}`;
      s.destroy();
      resolve({ ok: true, detail });
    });
    s.once('error', (err: NodeJS.ErrnoException) => {
      s.destroy();
      resolve({ ok: false, detail: `TLS handshake: ${err.code ?? ''} ${errorMessage(err)}`.trim() });
    });
  });
}

function mqttStep(
  deps: DoctorDeps,
  config: Readonly<Config>,
  url: string,
  tlsOptions: TlsFiles,
  password: string | undefined,
): Promise<Step> {
  const started = deps.clock.monotonic();
  return new Promise((resolve) => {
    const client = connect(url, {
      ...tlsOptions,
      // Never the daemon's client id: the broker would disconnect the running daemon's session.
      clientId: `${config.gateway.id}-doctor-${Math.floor(deps.clock.now() % 1e9).toString(36)}`,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: deps.timeoutMs,
      protocolVersion: config.mqtt.protocolVersion,
      ...(config.mqtt.username ? { username: config.mqtt.username } : {}),
      ...(password !== undefined ? { password } : {}),
    });
    const finish = (step: Step) => {
      client.end(true);
      resolve(step);
    };
    client.once('connect', () => {
      const ms = Math.round(deps.clock.monotonic() - started);
      finish({
        ok: true,
        detail: `CONNACK in ${ms} ms (MQTT ${config.mqtt.protocolVersion === 5 ? '5' : '3.1.1'})`,
      });
    });
    client.once('error', (err) => finish({ ok: false, detail: `MQTT: ${errorMessage(err)}` }));
    client.once('close', () => finish({ ok: false, detail: 'MQTT: connection closed before CONNACK' }));
  });
}
