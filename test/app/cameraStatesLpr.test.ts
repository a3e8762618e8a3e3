import { describe, expect, it } from 'vitest';
import { CameraStates } from '../../src/app/cameraStates.js';
import { StatusBoard } from '../../src/app/statusBoard.js';
import { type CamgateEvents, EventBus } from '../../src/shared/events.js';
import type { CameraStatusRow, LprStatus } from '../../src/shared/types.js';
import { FakeClock } from '../helpers/fakeClock.js';

function setup() {
  const board = new StatusBoard();
  const bus = new EventBus();
  const clock = new FakeClock({ wall: Date.UTC(2026, 11, 5, 9) });
  const states = new CameraStates({ board, bus, clock });
  const row: CameraStatusRow = {
    cameraId: 'gate',
    address: '10.0.0.40',
    class: 'lpr',
    source: 'onvif',
    status: 'unknown',
    since: '2026-12-05T08:00:00.000Z',
    reasons: [],
    stream: {},
    recording: { status: 'off' },
    integrated: false,
  };
  board.upsertCamera(row);
  states.uplink({ connected: true, at: clock.now() });
  const lprHeard: CamgateEvents['health.lpr'][] = [];
  bus.on('health.lpr', (e) => lprHeard.push(e));
  const announced: string[] = [];
  bus.on('camera.state', (e) => announced.push(e.cameraId));
  const lpr = (status: LprStatus, readsLastHour = 0, since?: number) =>
    states.lpr({
      cameraId: 'gate',
      status,
      readsLastHour,
      ...(since !== undefined ? { since } : {}),
      topic: 'tns1:RuleEngine/Recognition/LicensePlate',
      silentPeriods: 0,
      at: clock.now(),
    });
  const stream = (status: 'online' | 'offline', reasons: string[] = []) =>
    states.stream('gate', { status, reasons, since: new Date(clock.now()).toISOString() }, []);
  return { board, clock, lpr, stream, lprHeard, announced };
}

describe('CameraStates: the LPR verdict laid over the stream state (issue #17)', () => {
  it('no_reads on a streaming camera: degraded with lpr_no_reads, still integrated; ok clears it', () => {
    const t = setup();
    t.stream('online');
    t.lpr('ok', 40);
    expect(t.board.camera('gate')).toMatchObject({
      status: 'online',
      integrated: true,
      lpr: { status: 'ok', readsLastHour: 40 },
    });
    t.clock.advance(60_000);
    t.lpr('no_reads');
    expect(t.board.camera('gate')).toMatchObject({
      status: 'degraded',
      reasons: ['lpr_no_reads'],
      integrated: true,
      since: '2026-12-05T09:01:00.000Z',
    });
    expect(t.board.camera('gate')?.cause).toBeUndefined();
    // The health machine's own updates keep the overlay (a fresh stream patch, same status).
    t.stream('online', ['fps_low 10<12.5']);
    expect(t.board.camera('gate')).toMatchObject({
      status: 'degraded',
      reasons: ['fps_low 10<12.5', 'lpr_no_reads'],
    });
    t.lpr('ok', 3);
    expect(t.board.camera('gate')).toMatchObject({ status: 'online', reasons: ['fps_low 10<12.5'] });
    expect(t.lprHeard.map((e) => `${e.from}>${e.to}`)).toEqual([
      'undefined>ok',
      'ok>no_reads',
      'no_reads>ok',
    ]);
    expect(t.announced.length).toBeGreaterThanOrEqual(4);
  });

  it('an offline camera keeps its own status and cause: no reads is not news then', () => {
    const t = setup();
    t.stream('offline', ['connection_refused']);
    t.lpr('no_reads');
    expect(t.board.camera('gate')).toMatchObject({
      status: 'offline',
      reasons: ['connection_refused'],
      integrated: false,
      cause: 'camera_offline',
      lpr: { status: 'no_reads' },
    });
    // It comes back still reading nothing: now it is degraded.
    t.stream('online');
    expect(t.board.camera('gate')).toMatchObject({
      status: 'degraded',
      reasons: ['lpr_no_reads'],
      integrated: true,
    });
  });

  it('review #1: a no_reads verdict carries when the silence began; a restart (fresh CameraStates) keeps that since', () => {
    const t = setup();
    t.stream('online');
    const since = Date.UTC(2026, 11, 5, 6);
    t.lpr('no_reads', 0, since);
    expect(t.board.camera('gate')).toMatchObject({ status: 'degraded', since: '2026-12-05T06:00:00.000Z' });
  });

  it('a verdict that only changes the count re-announces the camera without an lpr event', () => {
    const t = setup();
    t.stream('online');
    t.lpr('ok', 10);
    t.lpr('ok', 12);
    expect(t.lprHeard).toHaveLength(1);
    expect(t.board.camera('gate')?.lpr?.readsLastHour).toBe(12);
    expect(t.announced.at(-1)).toBe('gate');
  });
});
