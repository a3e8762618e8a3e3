import path from 'node:path';
import { LiveCameraDirectory } from '../../../src/app/cameraDirectory.js';
import { ControlServer } from '../../../src/app/control.js';
import { HealthService } from '../../../src/app/healthService.js';
import { StatusBoard } from '../../../src/app/statusBoard.js';
import { wireHealth } from '../../../src/app/wireHealth.js';
import { validateConfig } from '../../../src/config/load.js';
import { type CamgateEvents, EventBus } from '../../../src/shared/events.js';
import { silentLog } from '../../../src/shared/log.js';
import { systemNet } from '../../../src/shared/net.js';
import type { CameraRecord, CameraStatusRow, StreamStats } from '../../../src/shared/types.js';
import { BootRepo } from '../../../src/store/bootRepo.js';
import { Store } from '../../../src/store/store.js';
import { FakeClock } from '../../helpers/fakeClock.js';
import { useTempDir } from '../../helpers/tempDir.js';
import { deferCleanup } from '../../helpers/testCleanup.js';

export { onvifRecord } from './onvifRecord.js';

export interface HealthRigOptions {
  /** The fake clock's wall time at the start. */
  readonly wall: number;
  /** The `cam-1` row the board holds before health starts, as app/boardRows.ts seeds it. */
  readonly row: Pick<CameraStatusRow, 'address' | 'source' | 'reasons'>;
  readonly tempPrefix: string;
}

export interface HealthRig {
  readonly dir: string;
  readonly store: Store;
  readonly clock: FakeClock;
  readonly bus: EventBus;
  readonly board: StatusBoard;
  readonly control: ControlServer;
  /** Every `health.transition` on the bus, in order. */
  readonly transitions: CamgateEvents['health.transition'][];
  /** One boot: its boot row, and the HealthService wireHealth builds, started (stopped when the test ends). */
  boot(bootId: string, saved?: readonly CameraRecord[]): Promise<HealthService>;
  sample(kind: CamgateEvents['stream.sample']['kind'], stats?: StreamStats, cameraId?: string): void;
  /** Packets once a second for `seconds` seconds, the way the streams module reports a live session. */
  flow(seconds: number, stats: StreamStats, cameraId?: string): void;
}

/**
 * The real HealthService wiring (wireHealth) over an in-memory SQLite store, a status board with
 * one `cam-1` row, the control server and a fake clock: the set-up of the health component tests.
 * Everything it starts is stopped when the test ends (services first, then control and store).
 */
export function useHealthRig(options: HealthRigOptions): HealthRig {
  const dir = useTempDir(options.tempPrefix);
  const store = Store.open({ dir: ':memory:', log: silentLog() });
  deferCleanup(() => store.close());
  const clock = new FakeClock({ wall: options.wall });
  const bus = new EventBus();
  const board = new StatusBoard();
  const control = new ControlServer({ socketPath: path.join(dir, 'control.sock'), log: silentLog() });
  deferCleanup(() => control.stop());
  const transitions: CamgateEvents['health.transition'][] = [];
  bus.on('health.transition', (t) => transitions.push(t));
  board.upsertCamera({
    cameraId: 'cam-1',
    class: 'overview',
    ...options.row,
    status: 'unknown',
    since: new Date(clock.now()).toISOString(),
    stream: {},
    recording: { status: 'off' },
    integrated: false,
  });

  const boot = async (bootId: string, saved: readonly CameraRecord[] = []): Promise<HealthService> => {
    new BootRepo(store.db).start(bootId, 'test', clock.now());
    const [service] = wireHealth({
      config: validateConfig({
        site: { id: 'test-site' },
        gateway: { id: 'nvr-1' },
        control: { socket: path.join(dir, 'control.sock') },
        health: { stallSeconds: 3, hysteresisSeconds: 10 },
      }),
      clock,
      log: silentLog(),
      net: systemNet,
      bus,
      store,
      control,
      board,
      cameras: new LiveCameraDirectory([...saved], silentLog()),
      bootId,
      version: 'test',
      startedAt: clock.now(),
    });
    if (!(service instanceof HealthService)) throw new Error('wireHealth must return the HealthService');
    deferCleanup(() => service.stop());
    await service.start();
    return service;
  };
  const sample: HealthRig['sample'] = (kind, stats, cameraId = 'cam-1') =>
    bus.emit('stream.sample', { cameraId, kind, stats, at: clock.now() });
  const flow: HealthRig['flow'] = (seconds, stats, cameraId = 'cam-1') => {
    for (let i = 0; i < seconds; i++) {
      sample('packets', stats, cameraId);
      clock.advance(1000);
    }
  };
  return { dir, store, clock, bus, board, control, transitions, boot, sample, flow };
}
