import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectClockJump } from '../../src/health/clockJump.js';
import { streamOutageEdge } from '../../src/health/outage.js';
import { silentLog } from '../../src/shared/log.js';
import { BootRepo } from '../../src/store/bootRepo.js';
import { HistoryRepo, type TransitionInput } from '../../src/store/historyRepo.js';
import { Store } from '../../src/store/store.js';
import { FakeClock } from '../helpers/fakeClock.js';

const MIN = 60_000;

describe('HistoryRepo', () => {
  let store: Store;
  let history: HistoryRepo;
  let boots: BootRepo;
  let clock: FakeClock;

  beforeEach(() => {
    store = Store.open({ dir: ':memory:', log: silentLog() });
    history = new HistoryRepo(store.db);
    boots = new BootRepo(store.db);
    clock = new FakeClock({ wall: Date.UTC(2026, 4, 1, 10, 0, 0) });
    boots.start('boot-a', '0.1.0', clock.now());
  });
  afterEach(() => store.close());

  const transition = (
    cameraId: string,
    from: TransitionInput['from'],
    to: TransitionInput['to'],
    bootId = 'boot-a',
  ) =>
    history.recordTransition({
      cameraId,
      from,
      to,
      reasons: to === 'offline' ? ['stream_stalled'] : [],
      cause: to === 'offline' ? 'stream_stalled' : to === 'unauthorized' ? 'unauthorized' : undefined,
      outage: streamOutageEdge(from, to),
      bootId,
      wallMs: clock.now(),
      monoMs: clock.monotonic(),
    });

  it('opens an outage with its cause when a camera goes down and closes it as restored', () => {
    transition('cam-1', 'unknown', 'online');
    clock.advance(MIN);
    const { opened } = transition('cam-1', 'online', 'offline');
    expect(opened).toMatchObject({
      cameraId: 'cam-1',
      kind: 'stream',
      cause: 'stream_stalled',
      endedAt: null,
    });
    clock.advance(90_000);
    const { closed } = transition('cam-1', 'offline', 'online');
    expect(closed).toMatchObject({ endReason: 'restored', durationMs: 90_000 });
    expect(closed?.endedAt).toBe('2026-05-01T10:02:30.000Z');
    expect(history.transitions('cam-1').map((t) => `${t.from}>${t.to}`)).toEqual([
      'offline>online',
      'online>offline',
      'unknown>online',
    ]);
    expect(history.transitions('cam-1')[1]?.reasons).toEqual(['stream_stalled']);
  });

  it('regression: performance.now() is fractional; STRICT INTEGER columns rejected the outage (found against the simulator)', () => {
    const fractional = new FakeClock({ wall: Date.UTC(2026, 4, 1), mono: 1234.567 });
    const at = () => ({ bootId: 'boot-a', wallMs: fractional.now() + 0.25, monoMs: fractional.monotonic() });
    const base = { cameraId: 'cam-f', reasons: [], cause: undefined } as const;
    expect(
      history.recordTransition({ ...base, from: 'online', to: 'offline', outage: 'start', ...at() }).opened,
    ).toBeDefined();
    fractional.advance(1000.4);
    history.recordClockJump('boot-a', fractional.now() + 0.5, fractional.monotonic(), 2500.5);
    expect(
      history.recordTransition({ ...base, from: 'offline', to: 'online', outage: 'end', ...at() }).closed
        ?.durationMs,
    ).toBe(1000);
    boots.start('boot-b', 'test', Date.UTC(2026, 4, 2));
    expect(history.closeRebootGaps('boot-b', Date.UTC(2026, 4, 2) + 0.75)).toBeDefined();
  });

  it('keeps one outage across offline → unauthorized → degraded', () => {
    transition('cam-1', 'online', 'offline');
    clock.advance(1000);
    expect(transition('cam-1', 'offline', 'unauthorized')).toEqual({});
    clock.advance(1000);
    expect(transition('cam-1', 'unauthorized', 'degraded').closed?.durationMs).toBe(2000);
    expect(history.outages()).toHaveLength(1);
  });

  it('leaves other modules’ outages (recording, uplink) of the same camera alone', () => {
    store.db
      .prepare(
        `INSERT INTO outages (camera_id, kind, cause, started_at, started_ms, boot_id)
         VALUES ('cam-1', 'recording', 'recording_stale', '2026-05-01T09:00:00.000Z', 0, 'boot-a')`,
      )
      .run();
    expect(history.openOutage('cam-1')).toBeUndefined();
    transition('cam-1', 'online', 'offline');
    clock.advance(1000);
    transition('cam-1', 'offline', 'online');
    const rows = history.outages({ cameraId: 'cam-1' });
    expect(rows.map((o) => [o.kind, o.endReason, o.durationMs])).toEqual([
      ['recording', null, null],
      ['stream', 'restored', 1000],
    ]);
  });

  it('a camera dead since boot (unknown → offline) has an outage', () => {
    expect(transition('cam-2', 'unknown', 'offline').opened?.cause).toBe('stream_stalled');
    expect(history.openOutage('cam-2')).toBeDefined();
    expect(history.knowsCamera('cam-2')).toBe(true);
    expect(history.knowsCamera('nope')).toBe(false);
  });

  it('regression: an NTP step during an outage (RTC-less NVR syncing after boot) does not change its duration', () => {
    transition('cam-1', 'online', 'offline');
    const before = { wall: clock.now(), mono: clock.monotonic() };
    clock.advance(500);
    clock.stepWall(3_600_000);
    const jump = detectClockJump(before, { wall: clock.now(), mono: clock.monotonic() });
    expect(jump).toBe(3_600_000);
    history.recordClockJump('boot-a', clock.now(), clock.monotonic(), jump ?? 0);
    clock.advance(4500);
    const { closed } = transition('cam-1', 'offline', 'online');
    expect(closed?.durationMs).toBe(5000);
    expect(history.clockJumps()).toEqual([expect.objectContaining({ bootId: 'boot-a', jumpMs: 3_600_000 })]);
  });

  it('closes outages left open by the previous boot as gap_reboot at its last_alive_ms and records the gap', () => {
    transition('cam-1', 'online', 'offline');
    const startedMs = clock.now();
    clock.advance(10 * MIN);
    boots.alive('boot-a', clock.now());
    const lastAlive = clock.now();
    // power cut: boot-a never stops cleanly; the box comes back 5 minutes later
    clock.advance(5 * MIN);
    boots.start('boot-b', '0.1.0', clock.now());
    const gap = history.closeRebootGaps('boot-b', clock.now());
    expect(gap).toMatchObject({
      previousBootId: 'boot-a',
      fromMs: lastAlive,
      toMs: clock.now(),
      clean: false,
    });
    expect(gap?.closed).toHaveLength(1);
    expect(gap?.closed[0]).toMatchObject({
      endReason: 'gap_reboot',
      endedMs: lastAlive,
      durationMs: lastAlive - startedMs,
    });
    expect(history.openOutage('cam-1')).toBeUndefined();
    // idempotent: a second call finds nothing more to close
    expect(history.closeRebootGaps('boot-b', clock.now())?.closed).toEqual([]);
    // the reboot gap is recorded once (camgate report counts it as unknown time, not down time)
    expect(store.db.prepare('SELECT from_ms AS fromMs, to_ms AS toMs FROM reboot_gaps').all()).toEqual([
      { fromMs: lastAlive, toMs: clock.now() },
    ]);
  });

  it('a gap_reboot duration excludes a clock step recorded in the old boot', () => {
    transition('cam-1', 'online', 'offline');
    const startedMs = clock.now();
    clock.advance(MIN);
    clock.stepWall(-30_000);
    history.recordClockJump('boot-a', clock.now(), clock.monotonic(), -30_000);
    clock.advance(MIN);
    boots.alive('boot-a', clock.now());
    boots.stop('boot-a', clock.now());
    clock.advance(MIN);
    boots.start('boot-b', '0.1.0', clock.now());
    const gap = history.closeRebootGaps('boot-b', clock.now());
    expect(gap?.clean).toBe(true);
    expect(gap?.closed[0]?.durationMs).toBe(2 * MIN);
    expect(gap?.closed[0]?.endedMs).toBe(startedMs + 2 * MIN - 30_000);
  });

  it('first boot ever: nothing to close, no gap', () => {
    expect(history.closeRebootGaps('boot-a', clock.now())).toBeUndefined();
  });

  it('closes an outage as removed (camgate report does not count a removal as a restoration)', () => {
    transition('cam-9', 'online', 'offline');
    clock.advance(MIN);
    const open = history.openOutage('cam-9');
    expect(open).toBeDefined();
    if (open)
      history.closeOutage(open, 'removed', {
        bootId: 'boot-a',
        wallMs: clock.now(),
        monoMs: clock.monotonic(),
      });
    expect(history.outages({ cameraId: 'cam-9' })[0]).toMatchObject({
      endReason: 'removed',
      durationMs: MIN,
    });
    expect(history.openOutage('cam-9')).toBeUndefined();
  });

  it('filters outages by camera and by since (overlap, open ones included)', () => {
    transition('cam-1', 'online', 'offline');
    clock.advance(MIN);
    transition('cam-1', 'offline', 'online');
    clock.advance(10 * MIN);
    const since = clock.now();
    transition('cam-2', 'online', 'offline');
    expect(history.outages().map((o) => o.cameraId)).toEqual(['cam-1', 'cam-2']);
    expect(history.outages({ sinceMs: since }).map((o) => o.cameraId)).toEqual(['cam-2']);
    expect(history.outages({ cameraId: 'cam-1' })).toHaveLength(1);
  });
});
