import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ControlServer } from '../../src/app/control.js';
import { loadConfigFile } from '../../src/config/load.js';
import { silentLog } from '../../src/shared/log.js';
import { camgateBin, cliBuilt, runCli, runCliInProcess } from '../helpers/cli.js';
import { useTempDir } from '../helpers/tempDir.js';
import { deferCleanup } from '../helpers/testCleanup.js';
import { startTestDaemon } from '../helpers/testDaemon.js';

const CAMERA = '  - { id: yard-1, rtsp: "rtsp://127.0.0.1:1/stream1", class: overview }';

/** A config in `dir` with `control` spelled by the caller (the light read's subject). */
function writeConfig(dir: string, control: string, extra = ''): string {
  const file = path.join(dir, 'camgate.yaml');
  fs.writeFileSync(
    file,
    [
      'site: { id: light-site, name: "Light site" }',
      'gateway: { id: gw-light }',
      `storage: { path: ${JSON.stringify(path.join(dir, 'state'))} }`,
      control,
      'discovery: { multicast: false, probeWindowSeconds: 1 }',
      'recording: { enabled: false }',
      'cameras:',
      CAMERA,
      extra,
    ].join('\n'),
  );
  return file;
}

/**
 * A `--import` for the CLI subprocess that appends every module URL it loads to `$CG_LOADED`
 * (a module hook: ESM and the CommonJS entries ESM imports).
 */
const HOOK = `export async function load(url, context, next) {
  if (url.startsWith('file:')) (await import('node:fs')).appendFileSync(process.env.CG_LOADED, url + '\\n');
  return next(url, context);
}`;
const REGISTER = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOK)}`)});`;

describe('status, reload and cameras read control.socket the light way (#14)', () => {
  it('answer from a real daemon with the socket spelled in block form, and with a spelling only the full validation reads', async () => {
    const dir = useTempDir('camgate-light-');
    const socket = path.join(dir, 'control.sock');
    const block = writeConfig(dir, `control:\n  # the CLI's way in\n  socket: ${socket}\n`);
    await startTestDaemon({ config: loadConfigFile(block) });

    const status = await runCliInProcess(['status', '--json', '--config', block]);
    expect(status.code, status.stderr).toBe(0);
    const doc = JSON.parse(status.stdout);
    expect(doc.site.id).toBe('light-site');
    expect(doc.cameras.map((c: { cameraId: string }) => c.cameraId)).toEqual(['yard-1']);
    const cameras = await runCliInProcess(['cameras', '--json'], { CAMGATE_CONFIG: block });
    expect(JSON.parse(cameras.stdout).cameras[0]).toMatchObject({ id: 'yard-1' });
    const reload = await runCliInProcess(['reload', '--json', '--config', block]);
    expect(reload.code, reload.stderr).toBe(0);
    expect(JSON.parse(reload.stdout)).toHaveProperty('unauthorized');

    // A document marker: the light read cannot decide, the full validation finds the same daemon.
    const marked = path.join(dir, 'marked.yaml');
    fs.writeFileSync(marked, `---\n${fs.readFileSync(block, 'utf8')}`);
    const viaFull = await runCliInProcess(['status', '--json', '--config', marked]);
    expect(viaFull.code, viaFull.stderr).toBe(0);
    expect(JSON.parse(viaFull.stdout).site.id).toBe('light-site');
  });

  it.runIf(cliBuilt)(
    'the built CLI answers status --json without loading yaml, zod, pino or the schema',
    async () => {
      const dir = useTempDir('camgate-light-');
      const file = writeConfig(dir, `control: { socket: ${path.join(dir, 'control.sock')} }`);
      await startTestDaemon({ config: loadConfigFile(file) });
      const loaded = path.join(dir, 'loaded.txt');
      const r = await runCli(['status', '--json', '--config', file], {
        NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(REGISTER)}`,
        CG_LOADED: loaded,
      });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).cameras).toHaveLength(1);
      const urls = fs.readFileSync(loaded, 'utf8');
      expect(urls).toContain('/src/cli/commands/status.js');
      expect(urls).not.toMatch(/node_modules\/(yaml|zod|pino)\//);
      expect(urls).not.toContain('/src/config/schema.js');
    },
  );

  it.runIf(cliBuilt)(
    'a reader that closes the pipe early (`status --json | head`) is not a crash',
    async () => {
      const dir = useTempDir('camgate-light-');
      const file = writeConfig(dir, `control: { socket: ${path.join(dir, 'control.sock')} }`);
      await startTestDaemon({ config: loadConfigFile(file) });
      const child = spawn(process.execPath, [camgateBin, 'status', '--json', '--config', file], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      // Closed before the CLI has started: its first write meets EPIPE.
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => {
        stderr += String(c);
      });
      const code = await new Promise<number | null>((ok) => child.once('close', ok));
      expect(stderr).not.toContain('fatal');
      expect(code).toBe(0);
    },
  );
});

describe('status with a bad config still exits 2 naming the field', () => {
  it.each([
    ['a socket of the wrong type', 'control: { socket: 42 }', 'control.socket'],
    ['an empty socket', 'control: { socket: "" }', 'control.socket'],
    [
      'an unknown key in control',
      'control: { sockt: /tmp/camgate-nowhere.sock }',
      'control.sockt: unknown key',
    ],
    [
      'control spelled twice (the YAML parser refuses the file)',
      'control: { socket: /tmp/a.sock }\ncontrol: { socket: /tmp/b.sock }',
      'YAML: Map keys must be unique',
    ],
  ])('%s', async (_name, control, named) => {
    const dir = useTempDir('camgate-light-');
    const file = writeConfig(dir, control);
    for (const command of ['status', 'reload', 'cameras']) {
      const r = await runCliInProcess([command, '--json', '--config', file]);
      expect(r.code, `${command}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain('invalid configuration');
      expect(r.stderr).toContain(named);
      expect(r.stdout).toBe('');
    }
  });

  it('names a bad field elsewhere when no daemon answers (a daemon that refused the config), not "no daemon"', async () => {
    const dir = useTempDir('camgate-light-');
    const file = writeConfig(
      dir,
      `control: { socket: ${path.join(dir, 'control.sock')} }`,
      'mqtt: { url: "http://nope" }',
    );
    const r = await runCliInProcess(['status', '--json', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('mqtt.url: must be mqtt:// or mqtts://');
    const missing = await runCliInProcess(['status', '--config', path.join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read configuration');
    const good = writeConfig(
      useTempDir('camgate-light-'),
      `control: { socket: ${path.join(dir, 'none.sock')} }`,
    );
    const none = await runCliInProcess(['status', '--config', good]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no camgate daemon is running');
  });

  it.runIf(cliBuilt)('exits 2 from the built CLI too', async () => {
    const file = writeConfig(useTempDir('camgate-light-'), 'control: { socket: 42 }');
    const r = await runCli(['status', '--json', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/control\.socket: .*string/);
  });
});

describe('status --json and cameras --json print the daemon document unchanged (#14)', () => {
  const DOC = {
    site: { id: 'light-site', name: 'Лёгкий "site"' },
    cameras: [{ cameraId: 'yard-1', status: 'online', stream: { fps: 12.5, lossPct: -0 } }],
    ts: '2026-12-05T19:00:00.000Z',
  };

  /** A daemon of this version (indents on request) or of 0.6.0 (always compact, no header). */
  async function daemon(dir: string, indents: boolean): Promise<string> {
    const socket = path.join(dir, 'control.sock');
    if (indents) {
      const control = new ControlServer({ socketPath: socket, log: silentLog() });
      control.route('GET', '/status', () => DOC);
      control.route('GET', '/cameras', () => DOC);
      await control.start();
      deferCleanup(() => control.stop());
    } else {
      const server = http.createServer((_req, res) => {
        const text = JSON.stringify(DOC);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      });
      await new Promise<void>((ok) => server.listen(socket, ok));
      deferCleanup(() => new Promise((ok) => server.close(ok)));
    }
    return writeConfig(dir, `control: { socket: ${socket} }`);
  }

  it.each([
    ['a daemon that indents', true],
    ['an older daemon', false],
  ])('from %s', async (_name, indents) => {
    const file = await daemon(useTempDir('camgate-light-'), indents);
    for (const command of ['status', 'cameras']) {
      const r = await runCliInProcess([command, '--json', '--config', file]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(`${JSON.stringify(DOC, null, 2)}\n`);
    }
  });
  it('a daemon that dies mid-answer: exit 1 with a message, not an unfinished promise', async () => {
    const dir = useTempDir('camgate-light-');
    const socket = path.join(dir, 'control.sock');
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 1000 });
      res.write('{"site": {');
      setTimeout(() => res.destroy(), 50);
    });
    await new Promise<void>((ok) => server.listen(socket, ok));
    deferCleanup(() => new Promise((ok) => server.close(ok)));
    const file = writeConfig(dir, `control: { socket: ${socket} }`);
    for (const argv of [['status', '--json'], ['status']]) {
      const r = await runCliInProcess([...argv, '--config', file]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/mid-answer/);
    }
  });
});
