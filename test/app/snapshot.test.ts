import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type SimSite, startSite } from '../../fixtures/sim/site.js';
import type { Daemon } from '../../src/app/daemon.js';
import { loadConfigFile } from '../../src/config/load.js';
import { isJpeg } from '../../src/discovery/snapshot.js';
import { testBase } from '../fixtures/sim/helpers.js';
import { runCliInProcess } from '../helpers/cli.js';
import { ffmpegChildren } from '../helpers/live.js';
import { tempConfig } from '../helpers/tempSite.js';
import { deferCleanup } from '../helpers/testCleanup.js';
import { startTestDaemon } from '../helpers/testDaemon.js';
import { processAlive, until } from '../recording/simHelpers.js';

const PASSWORD = 'snap-Secret-8';
let site: SimSite;
let cfg: ReturnType<typeof tempConfig>;
let daemon: Daemon;

beforeAll(async () => {
  const base = testBase(71);
  site = await startSite({
    cameras: [{ kind: 'lpr' }],
    baseAddress: base,
    password: PASSWORD,
    discovery: false,
  });
  deferCleanup(() => site.stop());
  const cam = site.cameras[0];
  if (!cam) throw new Error('sim camera missing');
  const onvifPort = new URL(cam.xaddr).port;
  cfg = tempConfig(
    [
      `discovery: { multicast: false, ranges: ["${base}/32"], ports: [${onvifPort}], probeWindowSeconds: 1 }`,
      'mqtt: { url: "mqtt://127.0.0.1:1" }',
      'credentials:',
      '  - { match: refused-1, username: admin, password: not-it }',
      `  - { match: "*", username: admin, password: "${PASSWORD}" }`,
      'cameras:',
      `  - { id: plain-1, rtsp: "${cam.rtspSubUrl}" }`,
      `  - { id: refused-1, rtsp: "${cam.rtspSubUrl}" }`,
    ].join('\n'),
  );
  deferCleanup(cfg.cleanup);
  daemon = await startTestDaemon({ config: loadConfigFile(cfg.configPath) });
}, 60_000);

/** What ffprobe (real, not our parser) makes of an image file. */
function probeImage(file: string): { codec: string; width: number; height: number } {
  const out = execFileSync('ffprobe', [
    '-v',
    'error',
    '-of',
    'json',
    '-show_entries',
    'stream=codec_name,width,height',
    file,
  ]);
  const s = (JSON.parse(String(out)) as { streams: { codec_name: string; width: number; height: number }[] })
    .streams[0];
  if (!s) throw new Error(`ffprobe found no stream in ${file}`);
  return { codec: s.codec_name, width: s.width, height: s.height };
}

async function snapshot(camera: string) {
  const out = path.join(cfg.dir, `${camera}.jpg`);
  const r = await runCliInProcess(['snapshot', camera, '--out', out, '--json', '--config', cfg.configPath]);
  return { ...r, out };
}

describe('snapshots through the daemon (camgate snapshot)', () => {
  it("an ONVIF camera's snapshot URI answers with its JPEG", async () => {
    const id = await until(
      () => daemon.context?.board.allCameras().find((c) => c.cameraId.startsWith('cam-'))?.cameraId,
      20_000,
      'the ONVIF camera discovered',
    );
    const r = await snapshot(id);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ cameraId: id, source: 'onvif', contentType: 'image/jpeg' });
    expect(isJpeg(fs.readFileSync(r.out))).toBe(true);
    expect(probeImage(r.out)).toMatchObject({ codec: 'mjpeg' });
  }, 40_000);

  it('a plain RTSP camera gets a frame decoded from its stream, with the reason', async () => {
    const r = await snapshot('plain-1');
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { source: string; fallbackReason: string; bytes: number };
    expect(doc.source).toBe('rtsp');
    expect(doc.fallbackReason).toMatch(/no ONVIF snapshot URI/);
    expect(fs.statSync(r.out).size).toBe(doc.bytes);
    const facts = probeImage(r.out);
    expect(facts.codec).toBe('mjpeg');
    expect(facts.width).toBeGreaterThan(0);
  }, 40_000);

  it('a refused camera is a clear error naming the cause, never the password; unknown ids are 404', async () => {
    const r = await snapshot('refused-1');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refused-1: .*(401|Unauthorized)/i);
    expect(r.stderr).not.toContain('not-it');
    expect(r.stderr).not.toContain(PASSWORD);
    expect(fs.existsSync(r.out)).toBe(false);
    const unknown = await snapshot('nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown camera nope');
  }, 40_000);

  it('stopping the daemon ends a frame grab in flight and its ffmpeg (a frozen camera never sends a frame)', async () => {
    site.cameras[0]?.setFault('freeze', true);
    const control = daemon.context?.control;
    if (!control) throw new Error('daemon not started');
    const pending = control.invoke('POST', '/snapshot', { camera: 'plain-1' });
    const settled = pending.then(
      () => 'resolved',
      (err: unknown) => String(err),
    );
    const pids = await until(
      () => {
        const kids = ffmpegChildren(process.pid);
        return kids.length > 0 ? kids : undefined;
      },
      10_000,
      'the frame grab ffmpeg',
    );
    try {
      await daemon.stop();
      // 'aborted', not ffmpeg's own 10 s timeout: the stop ended the grab.
      expect(await settled).toMatch(/aborted/);
      await until(() => (pids.every((p) => !processAlive(p)) ? true : undefined), 5000, 'ffmpeg gone');
    } finally {
      site.cameras[0]?.setFault('freeze', false);
    }
  }, 40_000);
});
