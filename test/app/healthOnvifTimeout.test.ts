import { beforeEach, describe, expect, it } from 'vitest';
import type { HealthService } from '../../src/app/healthService.js';
import type { StatusBoard } from '../../src/app/statusBoard.js';
import type { CamgateEvents, EventBus } from '../../src/shared/events.js';
import type { CameraRecord } from '../../src/shared/types.js';
import { HistoryRepo } from '../../src/store/historyRepo.js';
import type { Store } from '../../src/store/store.js';
import type { FakeClock } from '../helpers/fakeClock.js';
import { type HealthRig, onvifRecord, useHealthRig } from './helpers/healthRig.js';

/**
 * An ONVIF timeout is evidence of a dead camera only when the camera never answered. A camera that
 * told us who it is (GetDeviceInformation) and then timed out on GetProfiles, slow or loaded by a
 * sweep, must not go offline with an outage, neither when the sweep says so nor at the next boot
 * from its saved record. The real HealthService wiring, its SQLite history and the board.
 */
const PROFILES_TIMEOUT = {
  code: 'ONVIF_TIMEOUT',
  message: '127.0.0.9:8080: GetProfiles: no answer within 4000 ms',
};
const NO_ANSWER = { code: 'ONVIF_TIMEOUT', message: '127.0.0.9:8080 unreachable: ECONNREFUSED' };
const PROFILE = { token: 'p1', name: 'main', rtspUrl: 'rtsp://127.0.0.9/1', role: 'main' as const, fps: 15 };

const camera = onvifRecord;
const ANSWERED = { manufacturer: 'Hikvision', model: 'DS-2CD2143G2', serial: 'DS2CD20231201' };

describe('health: an ONVIF timeout after the camera answered leaves it unknown, not offline', () => {
  let rig: HealthRig;
  let store: Store;
  let clock: FakeClock;
  let bus: EventBus;
  let board: StatusBoard;
  let services: HealthService[];
  let transitions: CamgateEvents['health.transition'][];

  beforeEach(() => {
    // The row discovery's wiring (app/boardRows.ts) gives a camera when it is first listed.
    rig = useHealthRig({
      wall: Date.UTC(2026, 11, 5, 8, 0, 0),
      row: { address: '127.0.0.9', source: 'onvif', reasons: ['discovered, not yet observed'] },
      tempPrefix: 'camgate-onviftimeout-',
    });
    ({ store, clock, bus, board, transitions } = rig);
    services = [];
  });

  /** One boot: the directory holds what earlier boots saved. */
  const boot = async (bootId: string, saved: CameraRecord[] = []): Promise<HealthService> => {
    const service = await rig.boot(bootId, saved);
    services.push(service);
    return service;
  };
  const inventory = (record: CameraRecord) =>
    bus.emit('inventory.changed', { type: 'camera.updated', camera: record, at: clock.now() });
  const flow = (seconds: number) => rig.flow(seconds, { fps: 15 });
  const outages = () => new HistoryRepo(store.db).outages({ cameraId: 'cam-1' });

  it('answered GetDeviceInformation, timed out on GetProfiles: unknown, not_yet_seen (not camera_offline), no outage, the timeout in why', async () => {
    const health = await boot('boot-a');
    inventory(camera({ ...ANSWERED, problem: PROFILES_TIMEOUT }));
    clock.advance(30_000);
    expect(health.state('cam-1')?.status ?? 'unknown').toBe('unknown');
    expect(transitions).toEqual([]);
    expect(outages()).toEqual([]);
    const why = health.why('cam-1');
    // Field bug: it answered ONVIF, yet status, why and MQTT said camera_offline ("does not answer").
    expect(why).toMatchObject({ found: true, status: 'unknown', integrated: false, cause: 'not_yet_seen' });
    expect(board.camera('cam-1')).toMatchObject({
      status: 'unknown',
      integrated: false,
      cause: 'not_yet_seen',
    });
    expect(why.evidence?.detail).toBe(`onvif ONVIF_TIMEOUT: ${PROFILES_TIMEOUT.message}`);
  });

  it('the same camera saved by an earlier boot stays unknown at the next boot too', async () => {
    const health = await boot('boot-a', [camera({ ...ANSWERED, problem: PROFILES_TIMEOUT })]);
    clock.advance(30_000);
    expect(transitions).toEqual([]);
    expect(outages()).toEqual([]);
    expect(board.camera('cam-1')?.cause).toBe('not_yet_seen');
    expect(health.why('cam-1').cause).toBe('not_yet_seen');
  });

  it('a saved camera with profiles whose sweep times out stays online while its stream flows', async () => {
    const health = await boot('boot-a', [camera({ ...ANSWERED, profiles: [PROFILE] })]);
    flow(3);
    expect(health.state('cam-1')?.status).toBe('online');
    // inventory.ts keeps the saved record and adds the problem when a known camera fails a sweep.
    inventory(camera({ ...ANSWERED, profiles: [PROFILE], problem: PROFILES_TIMEOUT }));
    flow(30);
    expect(health.state('cam-1')?.status).toBe('online');
    expect(transitions.map((t) => t.to)).toEqual(['online']);
    expect(outages()).toEqual([]);
    expect(health.why('cam-1').evidence?.detail).toContain('ONVIF_TIMEOUT');
  });

  it('a camera that answered nothing still goes offline (camera_offline) with an outage, now and at boot', async () => {
    const first = await boot('boot-a');
    inventory(camera({ problem: NO_ANSWER }));
    expect(board.camera('cam-1')).toMatchObject({ status: 'offline', cause: 'camera_offline' });
    expect(first.why('cam-1').evidence?.detail).toBe(`onvif ${NO_ANSWER.message}`);
    expect(outages()).toHaveLength(1);
    for (const s of services.splice(0)) await s.stop();
    clock.advance(60_000);
    const health = await boot('boot-b', [camera({ problem: NO_ANSWER })]);
    expect(health.state('cam-1')?.status).toBe('offline');
    expect(new HistoryRepo(store.db).openOutage('cam-1')).toMatchObject({ cause: 'camera_offline' });
  });
});
