import { afterEach, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/cli.js';
import { GstServer } from './helpers/gstServer.js';
import { closedPort } from './helpers/hostileServer.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

// A config path that does not exist in the environment: the probe of a URL needs no config.
const env = { CAMGATE_CONFIG: undefined };

describe('camgate probe', () => {
  it('exits 0 and prints every layer as JSON for a healthy stream', async () => {
    const server = await GstServer.start();
    cleanups.push(() => server.kill());
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
});
