import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/cli.js';
import { deferCleanup } from '../helpers/testCleanup.js';
import { GstServer } from '../streams/helpers/gstServer.js';
import { closedPort } from '../streams/helpers/hostileServer.js';

// A config path that does not exist in the environment: the probe of a URL needs no config.
const env = { CAMGATE_CONFIG: undefined };

describe('camgate probe', () => {
  it('exits 0 and prints every layer as JSON for a healthy stream', async () => {
    const server = await GstServer.start();
    deferCleanup(() => server.close());
    const { code, stdout } = await runCliInProcess(['probe', server.url, '--json'], env);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as { ok: boolean; layers: { layer: string }[]; stream: { codec: string } };
    expect(doc.ok).toBe(true);
    expect(doc.layers.map((l) => l.layer)).toEqual([
      'tcp',
      'options',
      'describe',
      'play',
      'keyframe',
      'frames',
    ]);
    expect(doc.stream.codec).toBe('h264');
  });

  it('exits 1 and names the tcp layer when nothing listens, without echoing credentials', async () => {
    const url = `rtsp://admin:pw123@127.0.0.1:${await closedPort()}/x`;
    const { code, stdout } = await runCliInProcess(['probe', url, '--timeout', '2'], env);
    expect(code).toBe(1);
    expect(stdout).toContain('probe: failed at tcp');
    expect(stdout).not.toContain('pw123');
  });

  it('exits 2 on a target that is neither URL, address nor camera', async () => {
    const { code, stderr } = await runCliInProcess(['probe', 'no-such-camera'], env);
    expect(code).toBe(2);
    expect(stderr).toContain('no-such-camera');
  });

  it('resolves a configured camera id and answers Digest with the config credential', async () => {
    const server = await GstServer.start({ user: 'viewer', password: 'from-config' });
    deferCleanup(() => server.close());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-probe-'));
    deferCleanup(async () => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'camgate.yaml');
    fs.writeFileSync(
      file,
      [
        'site: { id: test-site }',
        'gateway: { id: nvr-1 }',
        `storage: { path: ${JSON.stringify(path.join(dir, 'state'))} }`,
        `control: { socket: ${JSON.stringify(path.join(dir, 'control.sock'))} }`,
        'credentials:',
        '  - { match: "*", username: viewer, password: from-config }',
        'cameras:',
        `  - { id: gate-1, rtsp: "${server.url}", class: lpr }`,
      ].join('\n'),
    );
    const { code, stdout } = await runCliInProcess(['probe', 'gate-1', '--config', file]);
    expect(code).toBe(0);
    expect(stdout).toContain('probe: ok');
    expect(stdout).toMatch(/h264, Constrained Baseline, 320x240/);
    expect(stdout).not.toContain('from-config');
  });
});
