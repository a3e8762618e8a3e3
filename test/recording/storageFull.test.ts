import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SimSite } from '../../fixtures/sim/site.js';
import type { Daemon } from '../../src/app/daemon.js';
import { createWireUplink } from '../../src/app/wireUplink.js';
import { configSchema } from '../../src/config/schema.js';
import { RecordingService } from '../../src/recording/recordingService.js';
import { systemClock } from '../../src/shared/clock.js';
import { silentLog } from '../../src/shared/log.js';
import { eventPayload } from '../../src/uplink/payloads.js';
import { testBase } from '../fixtures/sim/helpers.js';
import { useTempDir } from '../helpers/tempDir.js';
import { deferCleanup } from '../helpers/testCleanup.js';
import { startTestDaemon } from '../helpers/testDaemon.js';
import type { Centre } from '../uplink/helpers/centre.js';
import { useBroker, useCentre } from '../uplink/helpers/rig.js';
import { SIM_PASSWORD, startRecordingSite, tempDir, until, withCredentials } from './simHelpers.js';

/** A 3 MiB tmpfs: mounting needs root (CAP_SYS_ADMIN); anywhere else this test is skipped. */
function tryMountTmpfs(dir: string): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: cannot mount a tmpfs';
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    return `mount tmpfs failed: ${err instanceof Error ? err.message : String(err)}`;
  }
}

const mountDir = tempDir('camgate-smallfs-');
const skipReason = tryMountTmpfs(mountDir);
const stateDir = useTempDir('camgate-smallfs-state-');
let site: SimSite;
let service: RecordingService | undefined;
/** The centre's side: a real Mosquitto, and a daemon running only the uplink wiring. */
let centre: Centre | undefined;
let daemon: Daemon | undefined;

beforeAll(async () => {
  if (skipReason) return;
  site = await startRecordingSite(2, testBase(33), 18330);
  deferCleanup(() => site.stop());
  const broker = await useBroker();
  centre = await useCentre(broker.url);
  daemon = await startTestDaemon({
    config: configSchema.parse({
      site: { id: 'korosten-01' },
      gateway: { id: 'nvr-01' },
      storage: { path: stateDir },
      control: { socket: path.join(stateDir, 'control.sock') },
      discovery: { multicast: false },
      mqtt: { url: broker.url },
    }),
    wirings: [createWireUplink({ tuning: { willDelaySeconds: 0 } })],
  });
}, 120_000);
afterEach(async () => {
  await service?.stop();
  service = undefined;
});
afterAll(() => {
  if (!skipReason) execFileSync('umount', [mountDir]);
  fs.rmSync(mountDir, { recursive: true, force: true });
});

/** Storage events the centre received, as `type code [cameraId]`. */
function centreAlarms(): string[] {
  return (centre?.events() ?? [])
    .filter((e) => String(e.type).startsWith('storage.'))
    .map((e) => eventPayload.parse(e))
    .map((e) => [e.type, e.code, e.cameraId].filter((x) => x !== null).join(' '));
}

/** Appends to `file` until `leaveBytes` remain free (or the disk refuses). */
function fillUntil(file: string, leaveBytes: number): void {
  const chunk = Buffer.alloc(16 * 1024, 1);
  for (;;) {
    const st = fs.statfsSync(path.dirname(file));
    if (st.bavail * st.bsize <= leaveBytes) return;
    try {
      fs.appendFileSync(file, chunk);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC') return;
      throw err;
    }
  }
}

describe.skipIf(skipReason !== undefined)(`a small filesystem filling up ${skipReason ?? ''}`, () => {
  it('retention frees space fairly, alarms fire before and when full and reach the centre, recording survives and recovers', async () => {
    const bus = daemon?.context?.bus;
    if (!bus) throw new Error('no daemon context');
    const recDir = path.join(mountDir, 'rec');
    const ballast = path.join(mountDir, 'other-data.bin');
    const total = fs.statfsSync(mountDir).blocks * fs.statfsSync(mountDir).bsize;
    const minFreePercent = 35;
    const floor = (total * minFreePercent) / 100;
    fillUntil(ballast, floor + 500_000);
    service = new RecordingService(
      (site.cameras ?? []).map((c, i) => ({
        cameraId: `cam-${i}`,
        source: 'own' as const,
        url: () => withCredentials(c.rtspMainUrl),
      })),
      {
        dir: recDir,
        segmentSeconds: 2,
        retentionDays: 30,
        minFreePercent,
        // The database lives elsewhere (the test tmp dir, not this tmpfs): no shared-filesystem alarm.
        databaseDir: path.dirname(mountDir),
        stallSeconds: 2,
        tickMs: 250,
        retentionIntervalMs: 300,
        backoff: { initialMs: 500, maxMs: 1000 },
      },
      {
        clock: systemClock,
        log: silentLog(),
        bus,
        gaps: { open: () => undefined, close: () => undefined },
      },
    );
    await service.start();
    const svc = service;
    const alarmCodes = () => svc.storageReport().alarms.map((a) => a.code);

    // 1. Crossing the floor: retention deletes the oldest segments of both cameras, keeps the floor.
    const report = await until(
      () => {
        const r = svc.storageReport();
        return r.deletedSegments >= 4 ? r : undefined;
      },
      40_000,
      'space retention',
    );
    expect(report.cameras.every((c) => c.segments >= 1)).toBe(true);
    expect(report.freeBytes).toBeGreaterThan(floor * 0.6);
    expect(alarmCodes()).toContain('retention_short');
    expect(alarmCodes()).not.toContain('db_shares_filesystem');
    expect(report.cameras.some((c) => !c.compliant)).toBe(true);
    const shortCamera = report.cameras.find((c) => !c.compliant)?.cameraId;
    await until(
      () => (centreAlarms().includes(`storage.alarm retention_short ${shortCamera}`) ? true : undefined),
      20_000,
      'retention_short at the centre',
    );

    // 2. Something else fills the disk: nothing of ours left to delete → disk_low, then disk_full.
    fillUntil(ballast, 0);
    await until(() => (alarmCodes().includes('disk_low') ? true : undefined), 20_000, 'disk_low alarm');
    // ...and keeps growing into whatever retention frees, until the disk is full.
    await until(
      () => {
        fillUntil(ballast, 0);
        return alarmCodes().includes('disk_full') ? true : undefined;
      },
      20_000,
      'disk_full alarm',
    );
    await until(
      () =>
        centreAlarms().includes('storage.alarm disk_low') &&
        centreAlarms().includes('storage.alarm disk_full')
          ? true
          : undefined,
      20_000,
      'disk_low and disk_full at the centre',
    );
    await systemClock.sleep(3000);
    expect(svc.cameras().length).toBe(2);

    // 3. Space comes back: alarms clear, recording resumes on both cameras.
    fs.rmSync(ballast);
    await until(
      () => (!alarmCodes().includes('disk_low') && !alarmCodes().includes('disk_full') ? true : undefined),
      20_000,
      'alarms cleared',
    );
    await until(
      () =>
        centreAlarms().includes('storage.alarm.cleared disk_low') &&
        centreAlarms().includes('storage.alarm.cleared disk_full')
          ? true
          : undefined,
      20_000,
      'clears at the centre',
    );
    for (const m of centre?.messages ?? []) expect(m.text).not.toContain(SIM_PASSWORD);
    await until(
      () => (svc.cameras().every((c) => c.status === 'ok') ? true : undefined),
      40_000,
      'recording ok again',
    );
  }, 150_000);
});
