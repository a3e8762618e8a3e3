import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { boardFollowsDirectory } from '../../src/app/boardRows.js';
import { type DirectoryChange, openCameraDirectory } from '../../src/app/cameraDirectory.js';
import { StatusBoard } from '../../src/app/statusBoard.js';
import { parseConfigText } from '../../src/config/load.js';
import { EventBus } from '../../src/shared/events.js';
import { createLog, silentLog } from '../../src/shared/log.js';
import type { CameraRecord } from '../../src/shared/types.js';
import { InventoryRepo } from '../../src/store/inventoryRepo.js';
import { Store } from '../../src/store/store.js';
import { FakeClock } from '../helpers/fakeClock.js';

const T0 = Date.UTC(2026, 4, 1, 8, 0, 0);
const config = parseConfigText(`
site: { id: s }
gateway: { id: g }
cameras:
  - { id: yard-1, rtsp: "rtsp://10.0.0.41:554/stream1", class: overview }
  - { rtsp: "rtsp://10.0.0.42/live" }
  - { address: 10.0.0.40, id: gate-lpr-1, class: lpr }
`);

function onvif(id: string, address: string, over: Partial<CameraRecord> = {}): CameraRecord {
  return {
    id,
    address,
    source: 'onvif',
    model: 'DS-2CD2143G2-I',
    serial: `SN-${id}`,
    class: 'overview',
    ptz: false,
    classConfidence: 1,
    classEvidence: [],
    profiles: [{ token: 'p', name: 'main', rtspUrl: `rtsp://${address}/main`, role: 'main' }],
    firstSeenAt: '2026-05-01T07:00:00.000Z',
    lastSeenAt: '2026-05-01T07:00:00.000Z',
    ...over,
  };
}

function setup(persisted: CameraRecord[] = [], log = silentLog()) {
  const store = Store.open({ dir: ':memory:', log: silentLog() });
  new InventoryRepo(store.db).saveAll(
    persisted.map((record) => ({ record, missedSweeps: 0, removed: false })),
    '2026-05-01T07:00:00.000Z',
  );
  const clock = new FakeClock({ wall: T0 });
  const bus = new EventBus();
  const cameras = openCameraDirectory({ config, clock, log, bus, store });
  const heard: string[] = [];
  const listen = (change: DirectoryChange) => heard.push(`${change.type}:${change.camera.id}`);
  return { store, clock, bus, cameras, heard, listen };
}

describe('camera directory', () => {
  it('holds static cameras from config, then the inventory the last run persisted', () => {
    const t = setup([onvif('cam-001122334455', '10.0.0.50')]);
    expect(t.cameras.all().map((c) => [c.id, c.source])).toEqual([
      ['yard-1', 'static'],
      ['rtsp-10-0-0-42-554', 'static'],
      ['cam-001122334455', 'onvif'],
    ]);
    expect(t.cameras.size).toBe(3);
    expect(t.cameras.get('yard-1')?.address).toBe('10.0.0.41');
    expect(t.cameras.get('gate-lpr-1')).toBeUndefined(); // an ONVIF target, found by discovery
    t.store.close();
  });

  it('follows discovery: added, updated, removed; subscribers hear each change after it is applied', () => {
    const t = setup();
    const seenInside: (string | undefined)[] = [];
    t.cameras.subscribe((c) => seenInside.push(t.cameras.get(c.camera.id)?.model));
    const off = t.cameras.subscribe(t.listen);
    const cam = onvif('cam-a', '10.0.0.50');
    t.bus.emit('inventory.changed', { type: 'camera.added', camera: cam, at: T0 });
    t.bus.emit('inventory.changed', {
      type: 'camera.updated',
      camera: { ...cam, model: 'NEW' },
      previous: cam,
      at: T0,
    });
    expect(t.cameras.get('cam-a')?.model).toBe('NEW');
    t.bus.emit('inventory.changed', { type: 'camera.removed', camera: cam, at: T0 });
    expect(t.cameras.get('cam-a')).toBeUndefined();
    expect(t.heard).toEqual(['set:cam-a', 'set:cam-a', 'removed:cam-a']);
    expect(seenInside).toEqual(['DS-2CD2143G2-I', 'NEW', undefined]);
    off();
    t.bus.emit('inventory.changed', { type: 'camera.added', camera: cam, at: T0 });
    expect(t.heard).toHaveLength(3);
    expect(t.cameras.get('cam-a')).toBeDefined();
    t.store.close();
  });

  it('a replacement under a new id removes the old id (nobody keeps watching or recording it)', () => {
    const old = onvif('cam-0011223344aa', '10.0.0.60');
    const t = setup([old]);
    t.cameras.subscribe(t.listen);
    const unit = onvif('cam-0011223344bb', '10.0.0.60');
    t.bus.emit('inventory.changed', { type: 'camera.replaced', camera: unit, previous: old, at: T0 });
    expect(t.cameras.get(old.id)).toBeUndefined();
    expect(t.cameras.get(unit.id)).toBe(unit);
    expect(t.heard).toEqual(['removed:cam-0011223344aa', 'set:cam-0011223344bb']);
    // Same id (a new serial on the same MAC-less id): one camera, updated in place.
    const again = { ...unit, serial: 'SN-OTHER' };
    t.bus.emit('inventory.changed', { type: 'camera.replaced', camera: again, previous: unit, at: T0 });
    expect(t.heard.slice(2)).toEqual(['set:cam-0011223344bb']);
    expect(t.cameras.size).toBe(3);
    t.store.close();
  });

  it('removing a camera it does not hold is no change', () => {
    const t = setup();
    t.cameras.subscribe(t.listen);
    t.bus.emit('inventory.changed', { type: 'camera.removed', camera: onvif('cam-x', '10.0.0.9'), at: T0 });
    expect(t.heard).toEqual([]);
    t.store.close();
  });

  it('a failing listener is logged and the others still hear the change', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const t = setup([], createLog({ level: 'error' }, sink));
    t.cameras.subscribe(() => {
      throw new Error('listener broke');
    });
    t.cameras.subscribe(t.listen);
    t.bus.emit('inventory.changed', { type: 'camera.added', camera: onvif('cam-a', '10.0.0.5'), at: T0 });
    expect(t.heard).toEqual(['set:cam-a']);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      msg: 'camera directory listener failed',
      cameraId: 'cam-a',
      err: { message: 'listener broke' },
    });
    t.store.close();
  });
});

describe('status board rows follow the directory', () => {
  it('seeds one row per camera, keeps health fields on update, drops rows that leave', () => {
    const t = setup([onvif('cam-p', '10.0.0.70', { problem: { code: 'ONVIF_AUTH', message: 'refused' } })]);
    const board = new StatusBoard();
    boardFollowsDirectory({ board, cameras: t.cameras, clock: t.clock, config });
    expect(board.allCameras().map((r) => [r.cameraId, r.status, r.reasons[0], r.recording.status])).toEqual([
      ['cam-p', 'unknown', 'ONVIF_AUTH: refused', 'off'],
      ['rtsp-10-0-0-42-554', 'unknown', 'not yet observed', 'off'],
      ['yard-1', 'unknown', 'not yet observed', 'off'],
    ]);
    expect(board.camera('yard-1')).toMatchObject({
      source: 'static',
      class: 'overview',
      address: '10.0.0.41',
    });

    const cam = onvif('cam-a', '10.0.0.50');
    t.clock.advance(5000);
    t.bus.emit('inventory.changed', { type: 'camera.added', camera: cam, at: T0 });
    expect(board.camera('cam-a')).toMatchObject({
      status: 'unknown',
      reasons: ['discovered, not yet observed'],
      since: '2026-05-01T08:00:05.000Z',
    });
    board.patchCamera('cam-a', { status: 'online', integrated: true });
    t.bus.emit('inventory.changed', { type: 'camera.updated', camera: { ...cam, model: 'X' }, at: T0 });
    expect(board.camera('cam-a')).toMatchObject({ status: 'online', integrated: true, model: 'X' });

    const unit = onvif('cam-b', '10.0.0.50');
    t.bus.emit('inventory.changed', { type: 'camera.replaced', camera: unit, previous: cam, at: T0 });
    expect(board.camera('cam-a')).toBeUndefined();
    expect(board.camera('cam-b')?.status).toBe('unknown');
    t.bus.emit('inventory.changed', { type: 'camera.removed', camera: unit, at: T0 });
    expect(board.allCameras().map((r) => r.cameraId)).toEqual(['cam-p', 'rtsp-10-0-0-42-554', 'yard-1']);
    t.store.close();
  });
});
