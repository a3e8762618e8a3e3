import { describe, expect, it } from 'vitest';
import { lprSection } from '../../src/config/lprSchema.js';
import { LprService } from '../../src/lpr/lprService.js';
import { type CamgateEvents, EventBus } from '../../src/shared/events.js';
import { silentLog } from '../../src/shared/log.js';
import type { CameraRecord } from '../../src/shared/types.js';
import { LprRepo } from '../../src/store/lprRepo.js';
import { Store } from '../../src/store/store.js';
import { FakeClock } from '../helpers/fakeClock.js';
import { useTempDir } from '../helpers/tempDir.js';
import { deferCleanup } from '../helpers/testCleanup.js';
import { FakeEventSource, flush } from './fakeEventSource.js';

const camera = (
  id: string,
  cls: CameraRecord['class'] = 'lpr',
  xaddr: string | null = 'http://cam/onvif/device_service',
): CameraRecord => ({
  id,
  address: '10.0.0.40',
  source: xaddr ? 'onvif' : 'static',
  xaddr: xaddr ?? undefined,
  class: cls,
  ptz: false,
  classConfidence: 1,
  classEvidence: [],
  profiles: [],
  firstSeenAt: '2026-12-01T00:00:00.000Z',
  lastSeenAt: '2026-12-05T00:00:00.000Z',
});

/** One-minute periods, one slot a day, learnt after reads in 2 periods, alarm after 2 silent ones. */
const config = lprSection.parse({
  periodSeconds: 60,
  periodsPerDay: 1,
  learnDays: 10,
  minActiveDays: 2,
  noReadPeriods: 2,
});

function service(store: Store, clock: FakeClock, cameras: CameraRecord[]) {
  const bus = new EventBus();
  const heard: CamgateEvents['lpr.status'][] = [];
  bus.on('lpr.status', (e) => heard.push(e));
  const events = new Map<string, FakeEventSource>();
  const svc = new LprService({
    clock,
    log: silentLog(),
    bus,
    config,
    repo: new LprRepo(store.db),
    cameras: { all: () => cameras, subscribe: () => () => undefined },
    eventsFor: (c) => {
      const e = new FakeEventSource(clock);
      events.set(c.id, e);
      return e;
    },
  });
  deferCleanup(() => svc.stop());
  const last = (id: string) => heard.filter((h) => h.cameraId === id).at(-1);
  return { svc, heard, events, last };
}

type Running = ReturnType<typeof service>;
const T0 = Date.UTC(2026, 11, 5, 9);

/** One period of the camera's life: its pull answered with `reads` plates, the clock a period on. */
async function period(clock: FakeClock, ev: FakeEventSource | undefined, reads: number): Promise<void> {
  ev?.answer(reads);
  await flush();
  clock.advance(60_000);
  await flush();
}

/** `n` periods of `reads` plates each for camera `gate` (3 of 5: learnt, as minActiveDays is 2). */
async function periods(clock: FakeClock, s: Running, n: number, reads: number): Promise<void> {
  for (let i = 0; i < n; i++) await period(clock, s.events.get('gate'), reads);
}

/** A started service (its first statuses out), by default on the one LPR camera `gate`. */
async function started(store: Store, clock: FakeClock, cameras = [camera('gate')]): Promise<Running> {
  const s = service(store, clock, cameras);
  await s.svc.start();
  await flush();
  return s;
}

/** A started service on an in-memory store, both gone when the test ends. */
async function inMemory(cameras?: CameraRecord[]): Promise<Running & { clock: FakeClock }> {
  const store = Store.open({ dir: ':memory:', log: silentLog() });
  deferCleanup(() => store.close());
  const clock = FakeClock.at(T0);
  return { ...(await started(store, clock, cameras)), clock };
}

/**
 * Two lives of the daemon on one data dir: `first()` starts it, `end()` stops it and closes its
 * store, `restart()` opens the same dir again and starts a new service (closed when the test ends).
 */
function twoLives(prefix: string) {
  const dir = useTempDir(prefix);
  const clock = FakeClock.at(T0);
  return {
    clock,
    async first(): Promise<Running & { end(): Promise<void> }> {
      const store = Store.open({ dir, log: silentLog() });
      const s = await started(store, clock);
      return {
        ...s,
        async end() {
          await s.svc.stop();
          store.close();
        },
      };
    },
    async restart(): Promise<Running> {
      const store = Store.open({ dir, log: silentLog() });
      deferCleanup(() => store.close());
      return started(store, clock);
    },
  };
}

describe('LprService', () => {
  it('learns, raises no_reads after silent periods, and a restart keeps the history (no new learning)', async () => {
    const lives = twoLives('camgate-lpr-svc-');
    const clock = lives.clock;
    const a = await lives.first();
    expect(a.last('gate')?.status).toBe('learning');
    await periods(clock, a, 3, 5);
    expect(a.last('gate')).toMatchObject({
      status: 'ok',
      readsLastHour: 5,
      topic: 'tns1:RuleEngine/Recognition/LicensePlate',
    });
    await a.end();
    expect(a.events.get('gate')?.log.at(-1)).toMatch(/^unsubscribe/);

    const b = await lives.restart();
    expect(b.last('gate')?.status).toBe('ok');
    await period(clock, b.events.get('gate'), 0);
    expect(b.last('gate')?.status).toBe('ok');
    await period(clock, b.events.get('gate'), 0);
    await period(clock, b.events.get('gate'), 0);
    expect(b.last('gate')).toMatchObject({ status: 'no_reads', readsLastHour: 0, silentPeriods: 2 });
    b.events.get('gate')?.answer(1);
    await flush();
    expect(b.last('gate')?.status).toBe('ok');
  });

  it('review #1: a no_reads camera whose pull times out or re-subscribes stays no_reads (error in detail), since unmoved', async () => {
    const s = await inMemory();
    const clock = s.clock;
    await periods(clock, s, 3, 5);
    await periods(clock, s, 3, 0);
    const raised = s.last('gate');
    expect(raised).toMatchObject({ status: 'no_reads' });
    expect(raised?.since).toBeDefined();
    s.events.get('gate')?.fail();
    await flush();
    expect(s.last('gate')).toMatchObject({ status: 'no_reads', since: raised?.since });
    expect(s.last('gate')?.detail).toContain('ONVIF_FAULT');
    clock.advance(1000);
    await flush();
    await flush();
    const after = s.heard.slice(s.heard.indexOf(raised as CamgateEvents['lpr.status']));
    expect(new Set(after.map((h) => h.status))).toEqual(new Set(['no_reads']));
    expect(s.last('gate')).toMatchObject({ status: 'no_reads', since: raised?.since, detail: undefined });
  });

  it('review #3: an alarm does not clear by itself when the silence outlasts the kept history (and a restart keeps it)', async () => {
    const lives = twoLives('camgate-lpr-prune-');
    const clock = lives.clock;
    const a = await lives.first();
    await periods(clock, a, 3, 5);
    // History kept is 4 × (learnDays + 1) = 44 one-period "days": 60 silent ones outlast it.
    await periods(clock, a, 60, 0);
    const seen = a.heard.filter((h) => h.cameraId === 'gate').map((h) => h.status);
    expect(seen.slice(seen.indexOf('ok'))).not.toContain('learning');
    expect(a.last('gate')).toMatchObject({ status: 'no_reads' });
    expect(a.last('gate')?.lastReadAt).toBeDefined();
    await a.end();

    const b = await lives.restart();
    clock.advance(15_000);
    await flush();
    expect(b.last('gate')).toMatchObject({ status: 'no_reads', lastReadAt: a.last('gate')?.lastReadAt });
  });

  it('review #5: a period watched only at its end (daemon up at 50 s of 60) is not a silent period; a fully watched one is', async () => {
    const lives = twoLives('camgate-lpr-partial-');
    const clock = lives.clock;
    const a = await lives.first();
    await periods(clock, a, 3, 5);
    await a.end();

    clock.advance(50_000);
    const b = await lives.restart();
    b.events.get('gate')?.answer(0);
    await flush();
    clock.advance(10_000);
    await flush();
    // The period just ended was watched for 10 s of 60: unobserved, not silence.
    b.events.get('gate')?.answer(0);
    await flush();
    clock.advance(60_000);
    await flush();
    expect(b.svc.status('gate')).toMatchObject({ status: 'ok', silentPeriods: 0 });
    b.events.get('gate')?.answer(0);
    await flush();
    clock.advance(1000);
    await flush();
    // (status(): a changed silentPeriods alone is not announced on the bus.)
    expect(b.svc.status('gate')).toMatchObject({ status: 'ok', silentPeriods: 1 });
  });

  it('only class lpr is watched; one without an ONVIF device service says why', async () => {
    const s = await inMemory([camera('yard', 'overview'), camera('rtsp-lpr', 'lpr', null)]);
    expect(s.events.has('yard')).toBe(false);
    expect(s.last('yard')).toBeUndefined();
    expect(s.last('rtsp-lpr')).toMatchObject({ status: 'no_topic', topic: null });
    expect(s.last('rtsp-lpr')?.detail).toMatch(/plain RTSP/);
  });

  it('an event service that fails is marked error with its code; the verdict resumes when it answers', async () => {
    const s = await inMemory();
    const clock = s.clock;
    s.events.get('gate')?.fail();
    await flush();
    expect(s.last('gate')).toMatchObject({ status: 'error' });
    expect(s.last('gate')?.detail).toContain('ONVIF_FAULT');
    clock.advance(1000);
    await flush();
    await flush();
    expect(s.last('gate')?.status).toBe('learning');
  });
});
