import net from 'node:net';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { wireHealth } from '../../src/app/wireHealth.js';
import { wireSnapshot } from '../../src/app/wireSnapshot.js';
import { wireStreams } from '../../src/app/wireStreams.js';
import { validateConfig } from '../../src/config/load.js';
import { silentLog } from '../../src/shared/log.js';
import type { CameraRecord } from '../../src/shared/types.js';
import { HistoryRepo } from '../../src/store/historyRepo.js';
import { InventoryRepo } from '../../src/store/inventoryRepo.js';
import { Store } from '../../src/store/store.js';
import { FakeClock } from '../helpers/fakeClock.js';
import { useTempDir } from '../helpers/tempDir.js';
import { startTestDaemon } from '../helpers/testDaemon.js';

function onvif(id: string, rtspUrl: string): CameraRecord {
  return {
    id,
    address: new URL(rtspUrl).hostname,
    source: 'onvif',
    serial: `SN-${id}`,
    class: 'overview',
    ptz: false,
    classConfidence: 1,
    classEvidence: [],
    profiles: [{ token: 'p', name: 'main', rtspUrl, role: 'main' }],
    firstSeenAt: '2026-05-01T07:00:00.000Z',
    lastSeenAt: '2026-05-01T07:00:00.000Z',
  };
}

/** A loopback port nobody listens on: a stream there is refused at once. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The camera directory inside the real composition root. */
describe('camera directory in the daemon', () => {
  let dir: string;

  beforeEach(() => {
    dir = useTempDir('camgate-dir-');
  });

  const config = () =>
    validateConfig({
      site: { id: 'dir-site' },
      gateway: { id: 'nvr-dir' },
      storage: { path: path.join(dir, 'state') },
      control: { socket: path.join(dir, 'control.sock') },
      health: { stallSeconds: 3 },
    });

  it('after a restart, the persisted inventory is on the board and known to streams and snapshots before any sweep', async () => {
    const url = `rtsp://127.0.0.1:${await closedPort()}/main`;
    const store = Store.open({ dir: path.join(dir, 'state'), log: silentLog() });
    new InventoryRepo(store.db).saveAll(
      [{ record: onvif('cam-persisted', url), missedSweeps: 0, removed: false }],
      '2026-05-01T07:00:00.000Z',
    );
    store.close();
    const daemon = await startTestDaemon({ config: config(), wirings: [wireStreams, wireSnapshot] });
    const ctx = daemon.context;
    if (!ctx) throw new Error('daemon has no context');
    expect(ctx.board.camera('cam-persisted')).toMatchObject({ status: 'unknown', source: 'onvif' });
    // No discovery is wired: nothing will announce the camera. Streams watch it from the directory.
    const sample = await new Promise((resolve) => {
      const off = ctx.bus.on('stream.sample', (s) => {
        if (s.cameraId !== 'cam-persisted') return;
        off();
        resolve(s.kind);
      });
    });
    expect(sample).toBe('unreachable');
    await expect(ctx.control.invoke('POST', '/probe', { camera: 'cam-persisted' })).resolves.toMatchObject({
      ok: false,
    });
    await expect(ctx.control.invoke('POST', '/probe', { camera: 'nope' })).rejects.toThrow(
      'unknown camera nope',
    );
  }, 20_000);

  it('a replacement under a new id: the old id leaves board and health, its open outage ends as removed', async () => {
    const clock = new FakeClock({ wall: Date.UTC(2026, 4, 1, 6, 0, 0) });
    const daemon = await startTestDaemon({ config: config(), clock, wirings: [wireHealth] });
    const ctx = daemon.context;
    if (!ctx) throw new Error('daemon has no context');
    const history = new HistoryRepo(ctx.store.db);
    const old = onvif('cam-0011223344aa', 'rtsp://127.0.0.1:1/main');
    ctx.bus.emit('inventory.changed', { type: 'camera.added', camera: old, at: clock.now() });
    ctx.bus.emit('stream.sample', { cameraId: old.id, kind: 'unauthorized', detail: '401', at: clock.now() });
    expect(history.openOutage(old.id)?.cause).toBe('unauthorized');

    const unit = { ...onvif('cam-0011223344bb', 'rtsp://127.0.0.1:1/main'), serial: 'SN-NEW' };
    clock.advance(1000);
    ctx.bus.emit('inventory.changed', {
      type: 'camera.replaced',
      camera: unit,
      previous: old,
      at: clock.now(),
    });
    expect(ctx.board.camera(old.id)).toBeUndefined();
    expect(ctx.board.camera(unit.id)).toMatchObject({ status: 'unknown' });
    expect(history.openOutage(old.id)).toBeUndefined();
    expect(history.outages({ cameraId: old.id })).toMatchObject([{ endReason: 'removed' }]);
    clock.advance(60_000);
    expect(ctx.board.sectionsSnapshot().health).toMatchObject({ cameras: 0 });
    expect(history.outages({ cameraId: old.id })).toHaveLength(1);
  });
});
