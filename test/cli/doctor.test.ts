import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ControlServer } from '../../src/app/control.js';
import { renderChecks } from '../../src/cli/commands/doctor.js';
import type { CheckResult } from '../../src/cli/doctor/check.js';
import { credentialScopeCheck } from '../../src/cli/doctor/credentialChecks.js';
import { loadConfigFile } from '../../src/config/load.js';
import { systemClock } from '../../src/shared/clock.js';
import { silentLog } from '../../src/shared/log.js';
import { repoRoot, runCliInProcess } from '../helpers/cli.js';
import { reservedPort } from '../helpers/ports.js';
import { tempConfig } from '../helpers/tempSite.js';

interface DoctorDoc {
  ok: boolean;
  checks: CheckResult[];
}

/** A real Mosquitto on 127.0.0.1, started and stopped by its PID. */
class Mosquitto {
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(dir: string, extra: string[] = []): Promise<Mosquitto> {
    const port = await reservedPort();
    const conf = path.join(dir, `mosquitto-${port}.conf`);
    // As root mosquitto drops to user 'mosquitto', which cannot read our 0700 temp dir.
    const lines = [
      `user ${os.userInfo().username}`,
      'allow_anonymous true',
      `listener ${port} 127.0.0.1`,
      ...extra,
    ];
    fs.writeFileSync(conf, `${lines.join('\n')}\n`);
    const child = spawn('/usr/sbin/mosquitto', ['-c', conf], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null) throw new Error(`mosquitto exited with ${child.exitCode}`);
      if (await canConnect(port)) return new Mosquitto(child, port);
      await systemClock.sleep(50);
    }
    throw new Error('mosquitto did not listen');
  }

  async stop(): Promise<void> {
    const { child } = this;
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(child.pid, 'SIGTERM');
    await exited;
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function site(yaml: string): { dir: string; configPath: string; socket: string } {
  const t = tempConfig(yaml);
  cleanups.push(t.cleanup);
  return t;
}

/**
 * Every check answers as soon as its peer does; the timeout only bounds a peer that never answers.
 * 10 s by default, so `ffmpeg -version` on a loaded box (over 2 s at load 20) is not a timeout.
 */
async function doctor(
  configPath: string,
  timeoutSeconds = 10,
): Promise<{ code: number; doc: DoctorDoc; stderr: string }> {
  const r = await runCliInProcess([
    'doctor',
    '--json',
    '--timeout',
    String(timeoutSeconds),
    '--config',
    configPath,
  ]);
  return { code: r.code, doc: JSON.parse(r.stdout) as DoctorDoc, stderr: r.stderr };
}

function check(doc: DoctorDoc, prefix: string): CheckResult {
  const c = doc.checks.find((x) => x.name.startsWith(prefix));
  if (!c) throw new Error(`no check ${prefix} in ${doc.checks.map((x) => x.name).join(', ')}`);
  return c;
}

describe('camgate doctor against a real Mosquitto', () => {
  let shared: { dir: string; cleanup: () => void };
  beforeAll(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-doctor-'));
    shared = { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
  });
  afterAll(() => shared.cleanup());

  it('reports the broker ok (CONNACK) while it runs, and fail with exit 1 once it is stopped', async () => {
    const broker = await Mosquitto.start(shared.dir);
    cleanups.push(() => broker.stop());
    const { configPath } = site(
      `mqtt: { url: "mqtt://127.0.0.1:${broker.port}", protocolVersion: 4 }\ndiscovery: { interfaces: [lo] }\n`,
    );
    const up = await doctor(configPath);
    expect(check(up.doc, 'broker')).toMatchObject({
      status: 'ok',
      detail: expect.stringMatching(/CONNACK in \d+ ms \(MQTT 3\.1\.1\)/),
    });
    expect(check(up.doc, 'ffmpeg')).toMatchObject({
      status: 'ok',
      detail: expect.stringMatching(/^version /),
    });
    expect(check(up.doc, 'config').status).toBe('ok');
    // The config names lo: Linux's lo lacks IFF_MULTICAST yet carries multicast for this box only
    expect(check(up.doc, 'multicast:lo').status).toBe('warn');
    expect(up.doc.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(up.code).toBe(0);

    await broker.stop();
    const down = await doctor(configPath);
    expect(check(down.doc, 'broker')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('ECONNREFUSED'),
    });
    expect(down.doc.ok).toBe(false);
    expect(down.code).toBe(1);
  });

  it('does a TLS handshake for mqtts://: ok with the CA from mqtt.ca, fail without it', async () => {
    const key = path.join(shared.dir, 'key.pem');
    const cert = path.join(shared.dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    const tlsPort = await reservedPort();
    const broker = await Mosquitto.start(shared.dir, [
      `listener ${tlsPort} 127.0.0.1`,
      `certfile ${cert}`,
      `keyfile ${key}`,
    ]);
    cleanups.push(() => broker.stop());
    const trusted = site(`mqtt: { url: "mqtts://127.0.0.1:${tlsPort}", ca: ${cert} }\n`);
    expect(check((await doctor(trusted.configPath)).doc, 'broker')).toMatchObject({
      status: 'ok',
      detail: expect.stringMatching(/TLS ok; CONNACK/),
    });
    const untrusted = site(`mqtt: { url: "mqtts://127.0.0.1:${tlsPort}" }\n`);
    const r = await doctor(untrusted.configPath);
    expect(check(r.doc, 'broker')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/^TLS handshake: .*SELF_SIGNED/),
    });
    expect(r.code).toBe(1);
  });
});

describe('camgate doctor', () => {
  it('fails with a timeout, not a hang, when a peer accepts TCP but never sends CONNACK', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          silent.close(() => resolve());
        }),
    );
    const addr = silent.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    const { configPath } = site(`mqtt: { url: "mqtt://127.0.0.1:${port}" }\n`);
    const { code, doc } = await doctor(configPath, 2);
    expect(check(doc, 'broker')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/CONNACK|timeout/i),
    });
    expect(code).toBe(1);
  });

  it('still checks the box when the config is broken, and fails on it', async () => {
    const { configPath } = site('bogus: 1\n');
    const { code, doc } = await doctor(configPath);
    expect(check(doc, 'config')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('bogus: unknown key'),
    });
    expect(check(doc, 'ffmpeg').status).toBe('ok');
    expect(check(doc, 'broker')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('skipped'),
    });
    expect(code).toBe(1);
  });

  it('checks secret files without ever printing them', async () => {
    const base = site('');
    const secret = path.join(base.dir, 'camera.secret');
    fs.writeFileSync(secret, 'hunter2-sekrit\n', { mode: 0o644 });
    fs.chmodSync(secret, 0o644);
    const { configPath } = site(`credentials:
  - { match: "*", username: admin, passwordFile: ${secret} }
  - { match: "10.0.0.0/8", username: admin, passwordFile: ${path.join(base.dir, 'missing')} }
`);
    const r = await runCliInProcess(['doctor', '--timeout', '1', '--config', configPath]);
    expect(r.stdout).not.toContain('hunter2');
    const json = await doctor(configPath);
    expect(check(json.doc, 'secret credentials[0]')).toMatchObject({
      status: 'warn',
      fix: `chmod 640 ${secret}`,
    });
    expect(check(json.doc, 'secret credentials[1]')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('ENOENT'),
    });
  });

  it('warns when a "*" credential meets multicast discovery, and not for a CIDR or without multicast', async () => {
    const base = site('');
    const secret = path.join(base.dir, 'camera.secret');
    fs.writeFileSync(secret, 'Scope-Secret-3\n', { mode: 0o640 });
    const star = (multicast: boolean, match: string) =>
      site(`discovery: { multicast: ${multicast}, probeWindowSeconds: 1 }
credentials:
  - { match: "${match}", username: admin, passwordFile: ${secret} }
`);
    const wide = await doctor(star(true, '*').configPath);
    expect(check(wide.doc, 'credentials')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining(
        'credentials[0] (match "*") matches any address while multicast discovery is on',
      ),
      fix: expect.stringContaining('match: "10.0.0.0/24"'),
    });
    expect(JSON.stringify(wide.doc)).not.toContain('Scope-Secret-3');
    expect(check((await doctor(star(true, '0.0.0.0/0').configPath)).doc, 'credentials').status).toBe('warn');
    expect(check((await doctor(star(true, '10.0.0.0/24').configPath)).doc, 'credentials')).toMatchObject({
      status: 'ok',
      detail: 'scoped: 10.0.0.0/24',
    });
    expect(check((await doctor(star(false, '*').configPath)).doc, 'credentials').status).toBe('ok');
  });

  it('the shipped example config scopes its credential to a CIDR (no warning)', async () => {
    const config = loadConfigFile(path.join(repoRoot, 'config/camgate.example.yaml'));
    expect(config.discovery.multicast).toBe(true);
    const [line] = await credentialScopeCheck({
      clock: systemClock,
      env: {},
      config,
      configPath: 'example',
      timeoutMs: 1000,
    });
    expect(line).toMatchObject({ status: 'ok', detail: 'scoped: 10.0.0.0/24' });
  });

  it('sees a running daemon through the control socket', async () => {
    const { configPath, socket } = site('');
    const control = new ControlServer({ socketPath: socket, log: silentLog() });
    control.route('GET', '/status', () => ({
      version: '9.9.9',
      startedAt: '2026-01-01T00:00:00.000Z',
      cameras: [{}, {}],
    }));
    await control.start();
    cleanups.push(() => control.stop());
    expect(check((await doctor(configPath)).doc, 'daemon')).toMatchObject({
      status: 'ok',
      detail: expect.stringContaining('camgate 9.9.9 since 2026-01-01T00:00:00.000Z, 2 cameras'),
    });
    await control.stop();
    expect(check((await doctor(configPath)).doc, 'daemon')).toMatchObject({ status: 'warn' });
  });

  it('prints an aligned table with fix hints, coloured only on a TTY', () => {
    const results: CheckResult[] = [
      { name: 'ffmpeg', status: 'ok', detail: 'version 5.1' },
      { name: 'broker mqtt://127.0.0.1:1', status: 'fail', detail: 'TCP refused', fix: 'start it' },
    ];
    const plain = renderChecks(results, false);
    expect(plain).not.toContain('\u001b[');
    const lines = plain.split('\n');
    expect(lines[2]?.indexOf('OK')).toBe(lines[3]?.indexOf('FAIL'));
    expect(plain).toContain('broker mqtt://127.0.0.1:1: start it');
    expect(plain).toMatch(/1 ok, 0 warn, 1 fail$/);
    expect(renderChecks(results, true)).toContain('\u001b[31mFAIL\u001b[0m');
  });
});
