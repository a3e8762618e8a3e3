import { beforeEach, describe, expect, it } from 'vitest';
import { CameraStates } from '../../src/app/cameraStates.js';
import { StatusBoard } from '../../src/app/statusBoard.js';
import { type CamgateEvents, EventBus, type EventName } from '../../src/shared/events.js';
import type { CameraStatusRow } from '../../src/shared/types.js';
import { FakeClock } from '../helpers/fakeClock.js';

const seed = (cameraId: string): CameraStatusRow => ({
  cameraId,
  address: '10.0.0.41',
  class: 'overview',
  source: 'static',
  status: 'unknown',
  since: '2026-05-01T08:00:00.000Z',
  reasons: ['not yet observed'],
  stream: {},
  recording: { status: 'unknown' },
  integrated: false,
});

describe('CameraStates: the one place a camera’s status, cause and integration are decided', () => {
  let board: StatusBoard;
  let bus: EventBus;
  let clock: FakeClock;
  let states: CameraStates;
  let heard: string[];

  const listen = <K extends EventName>(name: K, show: (p: CamgateEvents[K]) => string) =>
    bus.on(name, (p) => heard.push(`${name} ${show(p)}`));
  const online = (id: string) =>
    states.stream(id, { status: 'online', reasons: [] }, [
      { cameraId: id, from: 'unknown', to: 'online', reasons: [], outage: undefined, at: clock.now() },
    ]);

  beforeEach(() => {
    board = new StatusBoard();
    bus = new EventBus();
    clock = new FakeClock({ wall: Date.UTC(2026, 4, 1, 8) });
    states = new CameraStates({ board, bus, clock });
    heard = [];
    board.upsertCamera(seed('cam-1'));
    board.upsertCamera(seed('cam-2'));
    listen('integration.changed', (e) => `${e.cameraId} ${e.integrated} ${e.cause}`);
    listen(
      'health.transition',
      (t) => `${t.cameraId} ${t.to} (board: ${board.camera(t.cameraId)?.integrated})`,
    );
    listen('health.recording', (r) => `${r.cameraId} ${r.from}>${r.to} ${r.outage}`);
    listen('camera.state', (s) => s.cameraId);
  });

  it('judges every row at start: never observed is not_yet_seen, not camera_offline', () => {
    states.settleAll();
    expect(board.camera('cam-1')).toMatchObject({ integrated: false, cause: 'not_yet_seen' });
    expect(heard).toEqual([
      'integration.changed cam-1 false not_yet_seen',
      'integration.changed cam-2 false not_yet_seen',
    ]);
  });

  it('a stream transition: board and integration first, then the transition, then one camera.state', () => {
    states.uplink({ connected: true, at: clock.now() });
    heard = [];
    online('cam-1');
    expect(heard).toEqual([
      'integration.changed cam-1 true undefined',
      'health.transition cam-1 online (board: true)',
      'camera.state cam-1',
    ]);
  });

  it('recording health flows through: stale breaks integration and starts a recording outage, ok ends it', () => {
    states.uplink({ connected: true, at: clock.now() });
    online('cam-1');
    heard = [];
    states.recordingStatus({ cameraId: 'cam-1', status: 'stale', at: clock.now() });
    expect(board.camera('cam-1')).toMatchObject({
      recording: { status: 'stale' },
      integrated: false,
      cause: 'recording_stale',
    });
    states.recordingStatus({ cameraId: 'cam-1', status: 'ok', lastSegmentAt: 'x', at: clock.now() });
    expect(board.camera('cam-1')).toMatchObject({ recording: { status: 'ok' }, integrated: true });
    expect(heard).toEqual([
      'integration.changed cam-1 false recording_stale',
      'health.recording cam-1 undefined>stale start',
      'camera.state cam-1',
      'integration.changed cam-1 true undefined',
      'health.recording cam-1 stale>ok end',
      'camera.state cam-1',
    ]);
  });

  it('the recording status before is its own record, not the board’s (another listener may patch the row first)', () => {
    board.patchCamera('cam-1', { recording: { status: 'stale' } });
    states.recordingStatus({ cameraId: 'cam-1', status: 'stale', at: clock.now() });
    expect(heard).toContain('health.recording cam-1 undefined>stale start');
  });

  it('a link change re-judges every camera but announces none: the uplink republishes all itself', () => {
    online('cam-1');
    states.settleAll();
    heard = [];
    states.uplink({ connected: true, centre: 'unknown', at: clock.now() });
    expect(board.camera('cam-1')).toMatchObject({ integrated: false, cause: 'uplink_down' });
    states.uplink({ connected: true, centre: 'online', at: clock.now() });
    expect(board.camera('cam-1')).toMatchObject({ integrated: true });
    states.uplink({ connected: false, centre: 'online', at: clock.now() });
    expect(heard).toEqual([
      'integration.changed cam-1 true undefined',
      'integration.changed cam-1 false uplink_down',
    ]);
    expect(heard.filter((h) => h.startsWith('camera.state'))).toEqual([]);
    // Never seen, uplink down: not "the camera is fine but the uplink is down", and not offline.
    expect(board.camera('cam-2')).toMatchObject({ integrated: false, cause: 'not_yet_seen' });
  });

  it('reasons alone can change the cause: announced although the status did not move', () => {
    states.stream('cam-1', { status: 'offline', reasons: ['stream_stalled'] }, []);
    heard = [];
    states.stream('cam-1', { reasons: ['connection_refused'] }, []);
    expect(board.camera('cam-1')?.cause).toBe('camera_offline');
    expect(heard).toEqual(['integration.changed cam-1 false camera_offline', 'camera.state cam-1']);
    heard = [];
    states.stream('cam-1', { stream: { codec: 'H264' } }, []);
    expect(heard).toEqual([]);
  });

  it('an inventory change is announced (identity is part of the state), a camera off the board is skipped', () => {
    states.inventory('cam-2');
    states.stream('ghost', { status: 'online' }, []);
    expect(heard).toEqual(['integration.changed cam-2 false not_yet_seen', 'camera.state cam-2']);
    expect(board.camera('ghost')).toBeUndefined();
  });
});
