import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ControlServer } from '../../src/app/control.js';
import { expectedFpsOf, type HealthService } from '../../src/app/healthService.js';
import type { StatusBoard } from '../../src/app/statusBoard.js';
import { controlRequest } from '../../src/cli/controlClient.js';
import type { WhyDoc } from '../../src/health/whyReport.js';
import type { CamgateEvents, EventBus } from '../../src/shared/events.js';
import type { CameraRecord, StreamStats } from '../../src/shared/types.js';
import { BootRepo } from '../../src/store/bootRepo.js';
import { HistoryRepo } from '../../src/store/historyRepo.js';
import type { Store } from '../../src/store/store.js';
import type { FakeClock } from '../helpers/fakeClock.js';
import { type HealthRig, onvifRecord, useHealthRig } from './helpers/healthRig.js';

const GOOD: StreamStats = {
  codec: 'H264',
  width: 1280,
  height: 720,
  fps: 15,
  lossPct: 0,
  keyframeIntervalS: 2,
};

function cameraRecord(profiles: CameraRecord['profiles']): CameraRecord {
  return onvifRecord({
    address: '10.0.0.41',
    classConfidence: 1,
    profiles,
    firstSeenAt: '2026-05-01T08:00:00.000Z',
    lastSeenAt: '2026-05-01T08:00:00.000Z',
  });
}

describe('wireHealth (component: bus → reducer → SQLite → bus/board)', () => {
  let rig: HealthRig;
  let dir: string;
  let store: Store;
  let clock: FakeClock;
  let bus: EventBus;
  let board: StatusBoard;
  let control: ControlServer;
  let health: HealthService;
  let transitions: CamgateEvents['health.transition'][];

  const startHealth = (bootId: string): Promise<HealthService> => rig.boot(bootId);
  const sample = (kind: CamgateEvents['stream.sample']['kind'], stats?: StreamStats, cameraId = 'cam-1') =>
    rig.sample(kind, stats, cameraId);
  /** Packets once a second for `seconds` seconds, the way the streams module reports a live session. */
  const flow = (seconds: number, stats: StreamStats = GOOD, cameraId = 'cam-1') =>
    rig.flow(seconds, stats, cameraId);

  beforeEach(async () => {
    rig = useHealthRig({
      wall: Date.UTC(2026, 4, 1, 8, 0, 0),
      row: { address: '10.0.0.41', source: 'static', reasons: ['not yet observed'] },
      tempPrefix: 'camgate-health-',
    });
    ({ dir, store, clock, bus, board, control, transitions } = rig);
    health = await startHealth('boot-a');
  });

  it('what interrogation proved: refused ONVIF call → unauthorized, ONVIF unreachable → offline, flowing video wins (issue #12)', () => {
    const inventory = (problem: CameraRecord['problem'], profiles: CameraRecord['profiles'] = []) =>
      bus.emit('inventory.changed', {
        type: 'camera.updated',
        camera: { ...cameraRecord(profiles), problem },
        at: clock.now(),
      });
    inventory({ code: 'ONVIF_TIMEOUT', message: '10.0.0.41:80 unreachable: ECONNREFUSED' });
    expect(board.camera('cam-1')).toMatchObject({
      status: 'offline',
      reasons: ['connection_refused'],
      cause: 'camera_offline',
    });
    inventory({
      code: 'ONVIF_AUTH',
      message: 'GetProfiles: Sender not authorized (env:Sender / ter:NotAuthorized)',
    });
    expect(board.camera('cam-1')).toMatchObject({
      status: 'unauthorized',
      reasons: ['unauthorized onvif GetProfiles'],
      cause: 'unauthorized',
    });
    // offline → unauthorized is one outage; it now carries the cause to fix.
    expect(new HistoryRepo(store.db).openOutage('cam-1')).toMatchObject({ cause: 'unauthorized' });
    // Video flowing over RTSP: an ONVIF refusal alone does not take the camera down.
    sample('connected');
    flow(12);
    expect(board.camera('cam-1')?.status).toBe('online');
    inventory({ code: 'ONVIF_AUTH', message: 'GetDeviceInformation: HTTP 401, credentials refused' }, [
      { token: 'p1', name: 'main', rtspUrl: 'rtsp://10.0.0.41/1', role: 'main' },
    ]);
    expect(board.camera('cam-1')?.status).toBe('online');
  });

  it('a frozen stream is persisted as offline within stallSeconds + 1 s, with no stall sample at all', () => {
    sample('connected');
    flow(5);
    const lastPacketWall = clock.now() - 1000;
    expect(board.camera('cam-1')).toMatchObject({ status: 'online', stream: GOOD });
    clock.advance(3000); // freeze: nothing from the streams module
    const history = new HistoryRepo(store.db);
    const open = history.openOutage('cam-1');
    expect(open).toMatchObject({ cause: 'stream_stalled', kind: 'stream' });
    expect((open?.startedMs ?? Number.POSITIVE_INFINITY) - lastPacketWall).toBeLessThanOrEqual(3000 + 1000);
    expect(transitions.map((t) => `${t.from}>${t.to}`)).toEqual(['unknown>online', 'online>offline']);
    expect(transitions[1]?.reasons).toEqual(['stream_stalled']);
    expect(board.camera('cam-1')).toMatchObject({ status: 'offline', reasons: ['stream_stalled'] });
    // the last fps is evidence (why), not state: an offline camera must not be published at 15 fps
    expect(board.camera('cam-1')?.stream).toEqual({ codec: 'H264', width: 1280, height: 720 });
    expect(history.transitions('cam-1')).toHaveLength(2);
  });

  it('a 3.5 s event-loop block does not stall a live camera: the late tick does not count the block (#14)', () => {
    sample('connected');
    flow(5);
    expect(board.camera('cam-1')?.status).toBe('online');
    // Blocked past stallSeconds (3 s): the overdue health tick runs before any socket is read.
    clock.block(3500);
    expect(board.camera('cam-1')?.status).toBe('online');
    // The samples resume a second later (the stream's first tick after the block had read nothing yet).
    clock.advance(1000);
    flow(3);
    expect(board.camera('cam-1')?.status).toBe('online');
    expect(transitions.map((t) => t.to)).toEqual(['online']);
    // A real freeze afterwards is still judged at stallSeconds.
    clock.advance(3000);
    expect(board.camera('cam-1')?.status).toBe('offline');
  });

  it('a frozen camera on a box so loaded that every health tick runs 2 s late still goes offline', () => {
    sample('connected');
    flow(5);
    expect(board.camera('cam-1')?.status).toBe('online');
    // No packets any more; each tick finds the last one 2 s before (crediting every late gap
    // whole would keep the stall clock still for ever).
    for (let i = 0; i < 5; i++) clock.block(2000);
    expect(board.camera('cam-1')?.status).toBe('offline');
  });

  it('the board already shows the new status when health.transition is heard (integration reads it)', () => {
    const seen: string[] = [];
    bus.on('health.transition', (t) => seen.push(`${t.to}:${board.camera(t.cameraId)?.status}`));
    flow(1);
    sample('stall');
    expect(seen).toEqual(['online:online', 'offline:offline']);
  });

  it('recovers after the hysteresis and closes the outage as restored with its monotonic duration', () => {
    flow(2);
    sample('stall');
    const downAt = clock.monotonic();
    clock.advance(20_000);
    sample('connected');
    flow(12);
    const outage = new HistoryRepo(store.db).outages({ cameraId: 'cam-1' })[0];
    expect(outage).toMatchObject({ endReason: 'restored', cause: 'stream_stalled' });
    // back online once 10 s of good packets had flowed
    expect(outage?.durationMs).toBe(20_000 + 10_000);
    expect(clock.monotonic() - downAt).toBeGreaterThan(30_000);
    expect(board.camera('cam-1')?.status).toBe('online');
  });

  it('records an NTP step as a clock jump and keeps the outage duration monotonic', () => {
    const jumps: CamgateEvents['health.clockJump'][] = [];
    bus.on('health.clockJump', (j) => jumps.push(j));
    flow(1);
    sample('unreachable');
    clock.advance(400);
    clock.stepWall(-7_200_000);
    clock.advance(600);
    flow(11);
    const history = new HistoryRepo(store.db);
    expect(history.clockJumps()).toEqual([expect.objectContaining({ bootId: 'boot-a', jumpMs: -7_200_000 })]);
    expect(history.outages({ cameraId: 'cam-1' })[0]).toMatchObject({
      endReason: 'restored',
      durationMs: 11_000,
    });
    expect(board.sectionsSnapshot().health).toMatchObject({ clockJumps: 1 });
    // Announced once, at the first tick after the step (1.5 s after the start), in stepped wall time.
    expect(jumps).toEqual([{ jumpMs: -7_200_000, at: Date.UTC(2026, 4, 1, 8, 0, 1, 500) - 7_200_000 }]);
  });

  it('degrades on low fps against the profile fps from the inventory', () => {
    const camera = cameraRecord([
      { token: 'p0', name: 'main', rtspUrl: 'rtsp://10.0.0.41/main', fps: 25, role: 'main' },
      { token: 'p1', name: 'sub', rtspUrl: 'rtsp://10.0.0.41/sub', fps: 15, role: 'sub' },
    ]);
    bus.emit('inventory.changed', { type: 'camera.added', camera, at: clock.now() });
    flow(2);
    flow(11, { ...GOOD, fps: 4.9 });
    expect(board.camera('cam-1')).toMatchObject({ status: 'degraded', reasons: ['fps_low 4.9<7.5'] });
    bus.emit('inventory.changed', { type: 'camera.removed', camera, at: clock.now() });
    expect(health.state('cam-1')).toBeUndefined();
  });

  it('closes the outage as removed when the camera leaves the inventory', () => {
    sample('unauthorized');
    bus.emit('inventory.changed', { type: 'camera.removed', camera: cameraRecord([]), at: clock.now() });
    expect(new HistoryRepo(store.db).outages({ cameraId: 'cam-1' })[0]).toMatchObject({
      cause: 'unauthorized',
      endReason: 'removed',
    });
  });

  it('after a reboot, the previous boot’s open outage ends as gap_reboot and the gap is on the board', async () => {
    sample('unreachable', undefined, 'cam-1');
    clock.advance(60_000);
    new BootRepo(store.db).alive('boot-a', clock.now());
    await health.stop();
    clock.advance(120_000);
    health = await startHealth('boot-b');
    const outage = new HistoryRepo(store.db).outages({ cameraId: 'cam-1' })[0];
    expect(outage).toMatchObject({ endReason: 'gap_reboot', durationMs: 60_000, bootId: 'boot-a' });
    expect(board.sectionsSnapshot().health).toMatchObject({ rebootGap: { clean: false } });
  });

  it('serves GET /why/:camera and GET /outages on the control socket (uptime is camgate report’s alone)', async () => {
    await control.start();
    flow(2);
    sample('unreachable');
    clock.advance(5000);
    const socket = path.join(dir, 'control.sock');
    const why = (await controlRequest(socket, 'GET', '/why/cam-1')) as WhyDoc;
    expect(why).toMatchObject({
      found: true,
      status: 'offline',
      reasons: ['unreachable'],
      cause: 'camera_offline',
      integrated: false,
      openOutage: { cause: 'camera_offline', durationMs: 5000 },
    });
    expect(why.evidence?.lastPacketAt).toBe('2026-05-01T08:00:01.000Z');
    expect(why.transitions.map((t) => t.to)).toEqual(['offline', 'online']);
    expect(await controlRequest(socket, 'GET', '/why/ghost')).toMatchObject({ found: false });
    const seeded = board.camera('cam-1');
    if (seeded)
      // A fresh row as app/boardRows.ts seeds it: no integration verdict yet (not cam-1's cause).
      board.upsertCamera({
        ...seeded,
        cameraId: 'cam-2',
        status: 'unknown',
        reasons: ['not yet observed'],
        integrated: false,
        cause: undefined,
      });
    expect(await controlRequest(socket, 'GET', '/why/cam-2')).toMatchObject({
      found: true,
      status: 'unknown',
      cause: 'not_yet_seen',
      transitions: [],
    });
    const doc = (await controlRequest(socket, 'GET', '/outages?camera=cam-1&since=2026-05-01')) as {
      outages: unknown[];
    };
    expect(doc.outages).toHaveLength(1);
    await expect(controlRequest(socket, 'GET', '/outages?since=yesterday')).rejects.toThrow(/--since/);
    // A second uptime figure with its own idea of "restored" disagreed with `camgate report`; gone.
    await expect(controlRequest(socket, 'GET', '/uptime')).rejects.toThrow(/no route/);
  });

  it('keeps tracking when the store fails: the transition still reaches the bus and the board', () => {
    flow(2);
    store.db.exec('DROP TABLE transitions');
    sample('stall');
    expect(transitions.map((t) => t.to)).toEqual(['online', 'offline']);
    expect(board.camera('cam-1')?.status).toBe('offline');
    expect(health.state('cam-1')?.status).toBe('offline');
  });
});

describe('expectedFpsOf', () => {
  const p = (role: 'main' | 'sub' | 'other', fps?: number) => ({
    token: role,
    name: role,
    rtspUrl: 'rtsp://x/',
    role,
    fps,
  });
  it.each([
    ['sub first (what the health session watches by default)', [p('main', 25), p('sub', 12)], 12],
    ['main when the sub has no fps', [p('main', 25), p('sub')], 25],
    ['any profile with an fps', [p('other', 10)], 10],
    ['0 fps is unknown, not a target', [p('sub', 0)], undefined],
    ['no profiles', [], undefined],
  ])('%s', (_name, profiles, fps) => {
    expect(expectedFpsOf(cameraRecord(profiles))).toBe(fps);
  });
});
