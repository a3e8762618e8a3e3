import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli, startDaemon } from '../helpers/cli.js';
import { tempConfig } from '../helpers/tempSite.js';
import { deferCleanup } from '../helpers/testCleanup.js';

beforeAll(() => {
  if (!fs.existsSync(path.join(repoRoot, 'dist/src/cli/main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` (the README test command does)');
  }
});

describe('camgate CLI and daemon (subprocess)', () => {
  it('runs, answers status and cameras over the control socket, and stops on SIGTERM with exit 0', async () => {
    const site = tempConfig(
      'cameras:\n  - { id: yard-1, rtsp: "rtsp://127.0.0.1:1/stream1", class: overview }\n',
    );
    deferCleanup(site.cleanup);
    const daemon = await startDaemon(site.configPath);
    deferCleanup(() => daemon.stop());

    const status = await runCli(['status', '--json', '--config', site.configPath]);
    expect(status.code, status.stderr).toBe(0);
    const doc = JSON.parse(status.stdout);
    expect(doc.site.id).toBe('test-site');
    expect(doc.cameras.map((c: { cameraId: string }) => c.cameraId)).toContain('yard-1');
    expect(doc.summary).toMatchObject({
      camerasTotal: 1,
      camerasIntegrated: 0,
      byClass: { overview: { total: 1 } },
    });

    const table = await runCli(['status', '--config', site.configPath]);
    expect(table.stdout).toMatch(/CAMERA\s+CLASS\s+ADDRESS\s+STATUS/);
    expect(table.stdout).toContain('yard-1');

    const cameras = await runCli(['cameras', '--json'], { CAMGATE_CONFIG: site.configPath });
    expect(JSON.parse(cameras.stdout).cameras[0]).toMatchObject({ id: 'yard-1', class: 'overview' });

    const t0 = Date.now();
    const code = await daemon.stop();
    expect(code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(fs.existsSync(site.socket)).toBe(false);

    const after = await runCli(['status', '--config', site.configPath]);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('no camgate daemon is running');
  });

  it('SIGHUP reloads credentials and keeps running; an edited credentials list asks for a restart (issue #12)', async () => {
    const site = tempConfig(
      'credentials:\n  - { match: "*", username: admin, password: "First-Secret-1" }\n' +
        'cameras:\n  - { id: yard-1, rtsp: "rtsp://127.0.0.1:1/stream1", class: overview }\n',
    );
    deferCleanup(site.cleanup);
    const daemon = await startDaemon(site.configPath);
    deferCleanup(() => daemon.stop());
    fs.writeFileSync(
      site.configPath,
      fs.readFileSync(site.configPath, 'utf8').replace('First-Secret-1', 'Second-Secret-2'),
    );
    daemon.child.kill('SIGHUP');
    const deadline = Date.now() + 10_000;
    while (!daemon.logs().includes('reload: re-reading credentials')) {
      if (Date.now() > deadline) throw new Error(`no reload logged:\n${daemon.logs()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(daemon.logs()).toContain('credentials in the config file changed: restart camgate to use them');
    expect(daemon.logs()).not.toMatch(/First-Secret-1|Second-Secret-2/);
    const status = await runCli(['status', '--json', '--config', site.configPath]);
    expect(status.code, status.stderr).toBe(0);
    const reload = await runCli(['reload', '--config', site.configPath]);
    expect(reload.code, reload.stderr).toBe(0);
    expect(reload.stdout).toContain('credentials re-read');
    expect(await daemon.stop()).toBe(0);
  });

  it('refuses to start twice on one control socket', async () => {
    const site = tempConfig();
    deferCleanup(site.cleanup);
    const first = await startDaemon(site.configPath);
    deferCleanup(() => first.stop());
    const second = await runCli(['run', '--config', site.configPath]);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain('another camgate daemon');
  });

  it('exits 2 naming the field for a bad config, 0 for a good one', async () => {
    const site = tempConfig('mqtt: { url: "http://nope" }\n');
    deferCleanup(site.cleanup);
    const bad = await runCli(['config', 'check', site.configPath]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('mqtt.url: must be mqtt:// or mqtts://');
    const run = await runCli(['run', '--config', site.configPath]);
    expect(run.code).toBe(2);
    const good = await runCli(['config', 'check', path.join(repoRoot, 'config/camgate.example.yaml')]);
    expect(good.code).toBe(0);
    const missing = await runCli(['config', 'check', path.join(site.dir, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read configuration');
  });

  it('exits 2 for unknown commands and options', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2);
    const r = await runCli(['status', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--bogus');
  });

  it('speaks the systemd notify protocol: READY, WATCHDOG, STOPPING', async () => {
    const site = tempConfig();
    deferCleanup(site.cleanup);
    const notifySocket = path.join(site.dir, 'notify.sock');
    // Node has no AF_UNIX datagram sockets; Debian's python3 stands in for systemd's listener.
    const listener = spawn(
      '/usr/bin/python3',
      [
        '-c',
        'import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\nprint("bound",flush=True)\nwhile True:\n  print(s.recv(4096).decode().replace("\\n"," "),flush=True)',
        notifySocket,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    deferCleanup(() => {
      listener.kill('SIGKILL');
    });
    let heard = '';
    listener.stdout.on('data', (c: Buffer) => {
      heard += String(c);
    });
    const boundDeadline = Date.now() + 10_000;
    while (!heard.includes('bound')) {
      if (listener.exitCode !== null || Date.now() > boundDeadline)
        throw new Error('notify listener did not bind');
      await new Promise((r) => setTimeout(r, 20));
    }
    const daemon = await startDaemon(site.configPath, {
      NOTIFY_SOCKET: notifySocket,
      WATCHDOG_USEC: '1000000',
    });
    deferCleanup(() => daemon.stop());
    const deadline = Date.now() + 10_000;
    while (!(heard.includes('READY=1') && heard.includes('WATCHDOG=1')) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(heard).toContain('READY=1');
    expect(heard).toContain('WATCHDOG=1');
    expect(await daemon.stop()).toBe(0);
    // The listener relays the datagram through a pipe: wait for it rather than for a fixed time.
    const stopDeadline = Date.now() + 10_000;
    while (!heard.includes('STOPPING=1') && Date.now() < stopDeadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(heard).toContain('STOPPING=1');
  });
});
