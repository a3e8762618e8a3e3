import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { boardFollowsDirectory } from '../../src/app/boardRows.js';
import { LiveCameraDirectory, openCameraDirectory } from '../../src/app/cameraDirectory.js';
import { ControlServer } from '../../src/app/control.js';
import type { WiringContext } from '../../src/app/modules.js';
import { StatusBoard } from '../../src/app/statusBoard.js';
import { wireDiscovery } from '../../src/app/wireDiscovery.js';
import { validateConfig } from '../../src/config/load.js';
import { EventBus } from '../../src/shared/events.js';
import { silentLog } from '../../src/shared/log.js';
import { systemNet } from '../../src/shared/net.js';
import type { CameraRecord } from '../../src/shared/types.js';
import { ReportRepo } from '../../src/store/reportRepo.js';
import { Store } from '../../src/store/store.js';
import { cam, noNet, setup } from '../discovery/helpers/discoveryRig.js';
import { FakeClock } from '../helpers/fakeClock.js';

const T0 = Date.UTC(2026, 2, 1, 10, 0, 0);
let dir: string | undefined;
let store: Store | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function camera(id: string, serial: string): CameraRecord {
  return {
    id,
    address: '10.0.0.40',
    source: 'onvif',
    serial,
    model: 'DS-2CD2143G2-I',
    class: 'lpr',
    ptz: false,
    classConfidence: 1,
    classEvidence: [],
    profiles: [],
    firstSeenAt: '2026-03-01T10:00:00.000Z',
    lastSeenAt: '2026-03-01T10:00:00.000Z',
  };
}

describe('wireDiscovery records inventory history', () => {
  it('added / replaced / removed go to inventory_changes (updates do not), from the moment tracking began', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-wdisc-'));
    store = Store.open({ dir: ':memory:', log: silentLog() });
    const clock = new FakeClock({ wall: T0 });
    const bus = new EventBus();
    const ctx: WiringContext = {
      config: validateConfig({
        site: { id: 'test-site' },
        gateway: { id: 'nvr-1' },
        discovery: { multicast: false },
        control: { socket: path.join(dir, 'control.sock') },
      }),
      clock,
      log: silentLog(),
      net: systemNet,
      bus,
      store,
      control: new ControlServer({ socketPath: path.join(dir, 'control.sock'), log: silentLog() }),
      board: new StatusBoard(),
      cameras: new LiveCameraDirectory([], silentLog()),
      bootId: 'boot-1',
      version: 'test',
      startedAt: T0,
    };
    wireDiscovery(ctx); // built, not started: no sockets
    const hour = 3_600_000;
    bus.emit('inventory.changed', { type: 'camera.added', camera: camera('gate-1', 'SN-1'), at: T0 + hour });
    bus.emit('inventory.changed', {
      type: 'camera.updated',
      camera: camera('gate-1', 'SN-1'),
      previous: camera('gate-1', 'SN-1'),
      at: T0 + 2 * hour,
    });
    bus.emit('inventory.changed', {
      type: 'camera.replaced',
      camera: camera('gate-1', 'SN-2'),
      previous: camera('gate-1', 'SN-1'),
      at: T0 + 3 * hour,
    });
    bus.emit('inventory.changed', {
      type: 'camera.removed',
      camera: camera('gate-1', 'SN-2'),
      at: T0 + 4 * hour,
    });

    const history = new ReportRepo(store.db).inventoryChanges(
      '2026-03-01T00:00:00.000Z',
      '2026-03-02T00:00:00.000Z',
    );
    expect(history).toEqual({
      since: '2026-03-01T10:00:00.000Z',
      changes: [
        { cameraId: 'gate-1', type: 'added', at: '2026-03-01T11:00:00.000Z' },
        { cameraId: 'gate-1', type: 'replaced', at: '2026-03-01T13:00:00.000Z' },
        { cameraId: 'gate-1', type: 'removed', at: '2026-03-01T14:00:00.000Z' },
      ],
    });
    expect(
      store.db.prepare("SELECT serial, previous_serial FROM inventory_changes WHERE type = 'replaced'").get(),
    ).toEqual({
      serial: 'SN-2',
      previous_serial: 'SN-1',
    });
  });
});

describe('wireDiscovery', () => {
  it('keeps board rows in sync: new cameras unknown, health fields kept on update, removed rows dropped', () => {
    const t = setup([]);
    const board = new StatusBoard();
    const base = {
      config: t.config,
      clock: t.clock,
      log: silentLog(),
      net: noNet,
      bus: t.bus,
      store: t.store,
      control: new ControlServer({ socketPath: '/nonexistent/test.sock', log: silentLog() }),
      board,
      bootId: 'b',
      version: '0',
      startedAt: t.clock.now(),
    };
    // As the daemon wires it: the bus feeds the camera directory, whose cameras are the board's rows.
    const ctx: WiringContext = { ...base, cameras: openCameraDirectory(base) };
    boardFollowsDirectory(ctx);
    const services = wireDiscovery(ctx);
    expect(services.map((s) => s.name)).toEqual(['discovery']);
    expect(ctx.control.has('GET', '/cameras')).toBe(true);
    expect(ctx.control.has('POST', '/rediscover')).toBe(true);
    const c = { ...cam('10.0.0.1'), problem: { code: 'ONVIF_AUTH', message: 'refused' } };
    const record = {
      id: 'cam-1',
      address: '10.0.0.1',
      source: 'onvif' as const,
      class: 'lpr' as const,
      ptz: false,
      classConfidence: 1,
      classEvidence: [],
      profiles: [],
      problem: c.problem,
      firstSeenAt: 't',
      lastSeenAt: 't',
    };
    t.bus.emit('inventory.changed', { type: 'camera.added', camera: record, at: 0 });
    expect(board.camera('cam-1')).toMatchObject({
      status: 'unknown',
      class: 'lpr',
      reasons: ['ONVIF_AUTH: refused'],
    });
    board.patchCamera('cam-1', { status: 'online', integrated: true });
    t.bus.emit('inventory.changed', { type: 'camera.updated', camera: { ...record, model: 'X' }, at: 1 });
    expect(board.camera('cam-1')).toMatchObject({ status: 'online', integrated: true, model: 'X' });
    t.bus.emit('inventory.changed', { type: 'camera.removed', camera: record, at: 2 });
    expect(board.camera('cam-1')).toBeUndefined();
    expect(board.sectionsSnapshot()).toHaveProperty('discovery');
  });
});
