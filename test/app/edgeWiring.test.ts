import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimSite, startSite } from '../../fixtures/sim/site.js';
import { edgeProbeFor } from '../../src/app/edgeProbes.js';
import { wireHealth } from '../../src/app/wireHealth.js';
import { wireRecording } from '../../src/app/wireRecording.js';
import { configSchema } from '../../src/config/schema.js';
import { systemClock } from '../../src/shared/clock.js';
import { silentLog } from '../../src/shared/log.js';
import { systemNet } from '../../src/shared/net.js';
import { testBase } from '../fixtures/sim/helpers.js';
import { useTempDir } from '../helpers/tempDir.js';
import { startTestDaemon } from '../helpers/testDaemon.js';
import { SIM_PASSWORD, SIM_USER, until } from '../recording/simHelpers.js';

let site: SimSite;

beforeAll(async () => {
  site = await startSite({
    cameras: [{ kind: 'panoramic' }],
    baseAddress: testBase(29),
    discovery: false,
    onvifPort: 18290,
    rtspPort: 18291,
    username: SIM_USER,
    password: SIM_PASSWORD,
  });
}, 120_000);
afterAll(() => site?.stop());

describe('recording.edge wired into the daemon', () => {
  it('an inventory camera listed in recording.edge is verified from its card (credentials from config); a static RTSP one is unknown with the reason', async () => {
    const cam = site.cameras[0];
    if (!cam) throw new Error('sim camera missing');
    const root = useTempDir('camgate-edge-wire-');
    const config = configSchema.parse({
      site: { id: 'edge-site' },
      gateway: { id: 'gw-edge' },
      storage: { path: path.join(root, 'state') },
      control: { socket: path.join(root, 'control.sock') },
      discovery: { multicast: false },
      credentials: [{ match: cam.address, username: SIM_USER, password: SIM_PASSWORD }],
      cameras: [{ id: 'gate-rtsp', rtsp: 'rtsp://127.0.0.1:1/none' }],
      recording: {
        dir: path.join(root, 'recordings'),
        edge: [{ camera: 'yard-edge' }, { camera: 'gate-rtsp' }],
      },
    });
    // Health's CameraStates is the one writer of a camera's recording status on the board. The
    // statuses reported during recording's start (yard-2 `off`, an edge camera it cannot verify)
    // reached the board only through a duplicate write in wireRecording until health heard them.
    const daemon = await startTestDaemon({ config, wirings: [wireRecording, wireHealth] });
    const board = daemon.context?.board;
    const seen = new Date().toISOString();
    daemon.context?.bus.emit('inventory.changed', {
      type: 'camera.added',
      camera: {
        id: 'yard-edge',
        address: cam.address,
        xaddr: cam.xaddr,
        source: 'onvif',
        class: 'panoramic',
        ptz: false,
        classConfidence: 1,
        classEvidence: [],
        profiles: [{ token: 'main', name: 'main', rtspUrl: cam.rtspMainUrl, role: 'main' }],
        clockOffsetMs: 0,
        firstSeenAt: seen,
        lastSeenAt: seen,
      },
      at: Date.now(),
    });
    type Row = { cameraId: string; source: string; status: string; detail: string; lastSegmentAt?: string };
    const sections = () => (board?.sectionsSnapshot() ?? {}) as { recording?: { cameras: Row[] } };
    const row = (id: string) => sections().recording?.cameras.find((c) => c.cameraId === id);
    // The first edge poll is due at once; recording checks run every 2 s.
    await until(
      () => (row('yard-edge')?.status === 'ok' ? true : undefined),
      20_000,
      'yard-edge recording ok',
    );
    expect(row('yard-edge')?.source).toBe('edge');
    expect(Date.parse(row('yard-edge')?.lastSegmentAt ?? '')).toBeGreaterThan(Date.now() - 15_000);
    // The static RTSP camera's board row (seeded from config) gets the edge verdict too.
    await until(
      () => (/no ONVIF device service known/.test(row('gate-rtsp')?.detail ?? '') ? true : undefined),
      20_000,
      'gate-rtsp unknown with its reason',
    );
    expect(row('gate-rtsp')?.status).toBe('unknown');
    expect(board?.camera('gate-rtsp')?.recording.status).toBe('unknown');
    expect(JSON.stringify(sections())).not.toContain(SIM_PASSWORD);
  }, 60_000);

  it('field bug: the edge probe kept a changed password out; it now asks with the one config holds now', async () => {
    const cam = site.cameras[0];
    if (!cam) throw new Error('sim camera missing');
    // What the passwordFile says: first a stale password, then the technician fixes it.
    let password = `${SIM_PASSWORD}-old`;
    const probe = edgeProbeFor(
      { clock: systemClock, net: systemNet, log: silentLog() },
      { id: 'yard-edge', address: cam.address, xaddr: cam.xaddr },
      () => ({ username: SIM_USER, password, allowBasic: false }),
      () => 0,
      { deadlineMs: 5000, maxBytes: 1_000_000 },
    );
    const signal = new AbortController().signal;
    const refused = await probe.latestWrite(signal).then(
      () => 'answered',
      (err: unknown) => (err instanceof Error ? err.message : String(err)),
    );
    expect(refused).not.toBe('answered');
    expect(refused).not.toContain(SIM_PASSWORD);
    password = SIM_PASSWORD;
    const at = await probe.latestWrite(signal);
    expect(at).toBeGreaterThan(Date.now() - 60_000);
  }, 30_000);
});
