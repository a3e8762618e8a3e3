import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimSite } from '../../fixtures/sim/site.js';
import { wireHealth } from '../../src/app/wireHealth.js';
import { wireRecording } from '../../src/app/wireRecording.js';
import { configSchema } from '../../src/config/schema.js';
import { testBase } from '../fixtures/sim/helpers.js';
import { ffmpegChildren } from '../helpers/live.js';
import { useTempDir } from '../helpers/tempDir.js';
import { startTestDaemon } from '../helpers/testDaemon.js';
import { processAlive, SIM_PASSWORD, SIM_USER, startRecordingSite, until } from '../recording/simHelpers.js';

let site: SimSite;

beforeAll(async () => {
  site = await startRecordingSite(1, testBase(34), 18340);
}, 120_000);
afterAll(() => site?.stop());

function getJson(socketPath: string, urlPath: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    http
      .get({ socketPath, path: urlPath }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => {
          text += d.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      })
      .on('error', reject);
  });
}

describe('recording wired into the daemon', () => {
  it('records a static camera, shows ok on the board and in status, answers why, leaves no ffmpeg behind', async () => {
    const cam = site.cameras[0];
    if (!cam) throw new Error('sim camera missing');
    const root = useTempDir('camgate-wire-');
    const socket = path.join(root, 'control.sock');
    const config = configSchema.parse({
      site: { id: 'rec-site' },
      gateway: { id: 'gw-rec' },
      storage: { path: path.join(root, 'state') },
      control: { socket },
      credentials: [
        { match: 'yard-1', username: SIM_USER, password: SIM_PASSWORD },
        { match: `${testBase(34, 0)}/24`, username: SIM_USER, password: SIM_PASSWORD },
      ],
      cameras: [
        { id: 'yard-1', rtsp: cam.rtspMainUrl },
        { id: 'yard-2', rtsp: `rtsp://${testBase(34, 200)}:1/none`, record: false },
      ],
      recording: { enabled: true, dir: path.join(root, 'recordings'), segmentSeconds: 10 },
    });
    // Health's CameraStates is the one writer of a camera's recording status on the board. The
    // statuses reported during recording's start (yard-2 `off`, an edge camera it cannot verify)
    // reached the board only through a duplicate write in wireRecording until health heard them.
    const daemon = await startTestDaemon({ config, wirings: [wireRecording, wireHealth] });
    const board = daemon.context?.board;
    await until(
      () => (board?.camera('yard-1')?.recording.status === 'ok' ? true : undefined),
      20_000,
      'yard-1 recording ok',
    );
    expect(board?.camera('yard-1')?.recording.lastSegmentAt).toMatch(/Z$/);
    // record: false overrides recording.enabled for this camera.
    expect(board?.camera('yard-2')?.recording.status).toBe('off');

    const status = await getJson(socket, '/status');
    const section = (
      status.body as { recording: { storage: { dir: string }; cameras: { cameraId: string }[] } }
    ).recording;
    expect(section.storage.dir).toBe(path.join(root, 'recordings'));
    expect(section.cameras.map((c) => c.cameraId).sort()).toEqual(['yard-1', 'yard-2']);
    expect(JSON.stringify(status.body)).not.toContain(SIM_PASSWORD);

    const why = await getJson(socket, '/recording/yard-1');
    expect(why.status).toBe(200);
    expect(why.body).toMatchObject({ cameraId: 'yard-1', status: 'ok', recorder: { running: true } });
    expect(JSON.stringify(why.body)).not.toContain(SIM_PASSWORD);
    expect((await getJson(socket, '/recording/nope')).status).toBe(404);

    // A camera found by discovery later joins; a sweep's update with the same profile does not restart it.
    const seen = new Date().toISOString();
    const onvifCamera = {
      id: 'onvif-1',
      address: cam.address,
      source: 'onvif' as const,
      class: 'overview' as const,
      ptz: false,
      classConfidence: 1,
      classEvidence: [],
      profiles: [
        { token: 'sub', name: 'sub', rtspUrl: cam.rtspSubUrl, role: 'sub' as const },
        { token: 'main', name: 'main', rtspUrl: cam.rtspMainUrl, role: 'main' as const },
      ],
      firstSeenAt: seen,
      lastSeenAt: seen,
    };
    const bus = daemon.context?.bus;
    bus?.emit('inventory.changed', { type: 'camera.added', camera: onvifCamera, at: Date.now() });
    const recordingOf = async (id: string) =>
      (await getJson(socket, `/recording/${id}`)).body as { status: string; recorder?: { starts: number } };
    await until(
      async () => ((await recordingOf('onvif-1')).status === 'ok' ? true : undefined),
      20_000,
      'onvif-1 ok',
    );
    bus?.emit('inventory.changed', {
      type: 'camera.updated',
      camera: { ...onvifCamera, lastSeenAt: new Date().toISOString() },
      at: Date.now(),
    });
    await new Promise((r) => setTimeout(r, 500));
    expect((await recordingOf('onvif-1')).recorder?.starts).toBe(1);
    expect(ffmpegChildren(process.pid).filter(processAlive).length).toBe(2);
    bus?.emit('inventory.changed', { type: 'camera.removed', camera: onvifCamera, at: Date.now() });
    await until(
      async () => ((await getJson(socket, '/recording/onvif-1')).status === 404 ? true : undefined),
      10_000,
      'onvif-1 removed',
    );

    // The removed camera's ffmpeg goes (SIGTERM); yard-1's stays.
    const pids = await until(
      () => {
        const alive = ffmpegChildren(process.pid).filter(processAlive);
        return alive.length === 1 ? alive : undefined;
      },
      10_000,
      'one ffmpeg left',
    );
    await daemon.stop();
    for (const pid of pids) expect(processAlive(pid)).toBe(false);
    expect(fs.readdirSync(path.join(root, 'recordings', 'yard-1')).length).toBeGreaterThan(0);
  }, 60_000);
});
