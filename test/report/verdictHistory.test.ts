import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recordNoReads } from '../../src/app/wireLpr.js';
import { pictureSchema } from '../../src/config/pictureSchema.js';
import {
  THUMB_BYTES,
  THUMB_HEIGHT,
  THUMB_WIDTH,
  type Thumbnail,
  thumbnailOf,
} from '../../src/picture/measures.js';
import { PictureService } from '../../src/picture/pictureService.js';
import { Slots } from '../../src/picture/slots.js';
import { EventBus } from '../../src/shared/events.js';
import { silentLog } from '../../src/shared/log.js';
import type { CameraRecord } from '../../src/shared/types.js';
import { BootRepo } from '../../src/store/bootRepo.js';
import { HistoryRepo } from '../../src/store/historyRepo.js';
import { PictureRepo } from '../../src/store/pictureRepo.js';
import { Store } from '../../src/store/store.js';
import { runCliInProcess } from '../helpers/cli.js';
import { FakeClock } from '../helpers/fakeClock.js';
import { tempConfig } from '../helpers/tempSite.js';

/**
 * The report's picture-degraded and lpr_no_reads figures from a database the daemon's own code
 * wrote (issue #17): the real PictureService (reducer, hysteresis, PictureRepo) judging a camera
 * whose picture goes frozen, then black, then live again, and wireLpr's recorder of `lpr.status`,
 * on a fake clock; then `camgate report --json` reads the file. The figures must match what the
 * service said live, reason by reason.
 */
const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);

const record = (id: string, cls: CameraRecord['class']): CameraRecord => ({
  id,
  address: '127.0.0.1',
  source: 'static',
  class: cls,
  ptz: false,
  classConfidence: 1,
  classEvidence: [],
  profiles: [],
  firstSeenAt: new Date(T0).toISOString(),
  lastSeenAt: new Date(T0).toISOString(),
});

/** Bars and a box with seeded noise (a live camera), or flat black. */
function picture(kind: 'live' | 'still' | 'black', seed: number): Thumbnail {
  const raw = new Uint8Array(THUMB_BYTES);
  let s = seed * 2654435761;
  for (let y = 0; y < THUMB_HEIGHT; y++)
    for (let x = 0; x < THUMB_WIDTH; x++) {
      s = (s * 1103515245 + 12345) >>> 0;
      const noise = kind === 'live' ? (s / 0x1_0000_0000 - 0.5) * 8 : 0;
      const base = 50 + (Math.floor(x / 16) % 2 === 0 ? 60 : 0) + (x > 70 && x < 100 && y > 20 ? 80 : 0) + y;
      raw[y * THUMB_WIDTH + x] = kind === 'black' ? 4 : Math.max(0, Math.min(255, Math.round(base + noise)));
    }
  raw.fill(kind === 'black' ? 128 : 168, THUMB_WIDTH * THUMB_HEIGHT);
  return thumbnailOf(raw);
}

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('camgate report over a database written by the picture service and the LPR recorder', () => {
  it('counts picture-degraded time per reason as the service raised it (not integrated) and lpr_no_reads time (integrated)', async () => {
    const cfg = tempConfig(
      [
        'cameras:',
        '  - { id: cam-a, rtsp: "rtsp://127.0.0.1:1/a" }',
        '  - { id: gate, class: lpr, rtsp: "rtsp://127.0.0.1:1/g" }',
      ].join('\n'),
    );
    cleanup = cfg.cleanup;
    const clock = new FakeClock({ wall: T0, mono: 0 });
    const store = Store.open({ dir: path.join(cfg.dir, 'state'), log: silentLog() });
    const boots = new BootRepo(store.db);
    boots.start('b1', 'test', clock.now());
    // Both streams are online from the start, as the health service records it: the picture is
    // only sampled from a working stream, and before a camera's first verdict the report counts
    // nothing (not_yet_seen is unknown time).
    const history = new HistoryRepo(store.db);
    for (const cameraId of ['cam-a', 'gate'])
      history.recordTransition({
        cameraId,
        from: 'unknown',
        to: 'online',
        reasons: [],
        cause: undefined,
        outage: undefined,
        bootId: 'b1',
        wallMs: clock.now(),
        monoMs: 0,
      });
    const bus = new EventBus();
    const log = silentLog();
    recordNoReads({ bus, log, bootId: 'b1', store });
    let grabs = 0;
    const phase = (): 'live' | 'still' | 'black' => {
      const m = (clock.now() - T0) / MIN;
      return m < 6 || m >= 18 ? 'live' : m < 12 ? 'still' : 'black';
    };
    const service = new PictureService({
      clock,
      log,
      bus,
      config: pictureSchema.parse({ intervalMinutes: 1 }),
      store: new PictureRepo(store.db, 'b1'),
      cameras: () => [record('cam-a', 'overview')],
      streamAdvancing: () => true,
      // A stream camera: each grab brings its second picture (the next keyframe) along.
      sample: async () => ({ thumbnail: picture(phase(), ++grabs), next: picture(phase(), ++grabs) }),
      ffmpegSlots: new Slots(1),
      samplesPerSlot: 16,
    });
    // What the service said live: the raised reasons from each change on.
    const live: { at: number; reasons: readonly string[] }[] = [];
    bus.on('picture.verdict', (v) => {
      const last = live.at(-1)?.reasons ?? [];
      if (v.view.reasons.join() !== last.join()) live.push({ at: clock.now(), reasons: v.view.reasons });
    });
    const lpr = (status: 'learning' | 'no_reads' | 'ok') =>
      bus.emit('lpr.status', {
        cameraId: 'gate',
        status,
        readsLastHour: 0,
        topic: 'tns1:LicensePlate',
        silentPeriods: 0,
        at: clock.now(),
      });
    await service.start();
    for (let s = 0; s < 26 * 60; s++) {
      if (s === 3 * 60) lpr('learning');
      if (s === 4 * 60) lpr('no_reads');
      if (s === 10 * 60) lpr('ok');
      clock.advance(1000);
      await new Promise((r) => setImmediate(r));
    }
    await service.stop();
    boots.alive('b1', clock.now());
    store.close();

    // The service raised frozen, then dark beside it, and cleared both once the picture was live.
    expect(live.map((l) => l.reasons.join('+'))).toEqual([
      'picture_frozen',
      'picture_dark+picture_frozen',
      '',
    ]);
    const expected: Record<string, number> = {};
    for (let i = 0; i + 1 < live.length; i++)
      for (const r of live[i]?.reasons ?? [])
        expected[r] = (expected[r] ?? 0) + ((live[i + 1]?.at ?? 0) - (live[i]?.at ?? 0));
    const degradedMs = (live.at(-1)?.at ?? 0) - (live[0]?.at ?? 0);
    // Frozen within two one-minute checks of 6:00, cleared within two of 18:00.
    expect(live[0]?.at).toBeLessThanOrEqual(T0 + 8 * MIN);
    expect(live.at(-1)?.at).toBeLessThanOrEqual(T0 + 20 * MIN);

    const r = await runCliInProcess([
      'report',
      '--from',
      '2026-01-01',
      '--to',
      '2026-01-01',
      '--json',
      '--config',
      cfg.configPath,
    ]);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout) as {
      cameras: {
        id: string;
        picture: { degradedMs: number; byReasonMs: Record<string, number> } | null;
        lprNoReadsMs: number | null;
        integrated: { upMs: number; downMs: number };
        uptime: { downMs: number };
      }[];
      total: { pictureDegradedMs: number | null; lprNoReadsMs: number | null };
    };
    const cam = (id: string) => doc.cameras.find((c) => c.id === id);
    expect(cam('cam-a')?.picture).toEqual({ degradedMs, byReasonMs: expected });
    expect(cam('cam-a')?.integrated.downMs).toBe(degradedMs);
    expect(cam('cam-a')?.uptime.downMs).toBe(0);
    expect(cam('cam-a')?.lprNoReadsMs).toBeNull();
    expect(cam('gate')?.lprNoReadsMs).toBe(6 * MIN);
    expect(cam('gate')?.integrated.downMs).toBe(0);
    expect(doc.total).toEqual(
      expect.objectContaining({ pictureDegradedMs: degradedMs, lprNoReadsMs: 6 * MIN }),
    );
  }, 60_000);
});
