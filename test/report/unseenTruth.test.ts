import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { computeReport } from '../../src/report/compute.js';
import { buildReportInput, reportCameraIds } from '../../src/report/input.js';
import { silentLog } from '../../src/shared/log.js';
import type { CameraStatus } from '../../src/shared/types.js';
import { BootRepo } from '../../src/store/bootRepo.js';
import { HistoryRepo } from '../../src/store/historyRepo.js';
import { InventoryChangeRepo } from '../../src/store/inventoryChangeRepo.js';
import { ReportRepo } from '../../src/store/reportRepo.js';
import { Store } from '../../src/store/store.js';
import { recordVerdict } from './transitions.js';

/**
 * Review of not_yet_seen (0.5.x): the time before a camera's first verdict of a boot was found by
 * wall time from the boot's recorded start, and never kept inside its boot. A wall clock stepped at
 * boot then lost a whole boot of uptime (scenario B) or hid an earlier boot's outage (scenario A).
 * And only a boot's first verdict was looked at: a camera removed and added again within a boot,
 * tracked anew from `unknown`, had its second stretch without a verdict counted as up.
 * Real SQLite through the repos, as `camgate report` reads it.
 */
const H = 3_600_000;
const DAY = 24 * H;
const T0 = Date.UTC(2026, 10, 1);
const config = parseConfigText('site: { id: s1, name: Site }\ngateway: { id: gw-1 }\n', 'test.yaml');

let store: Store | undefined;
afterEach(() => store?.close());

function open() {
  store = Store.open({ dir: ':memory:', log: silentLog() });
  const db = store.db;
  const boots = new BootRepo(db);
  const history = new HistoryRepo(db);
  const boot = (id: string, startMs: number, aliveMs: number) => {
    boots.start(id, 'test', startMs);
    boots.alive(id, aliveMs);
  };
  const transition = (from: CameraStatus, to: CameraStatus, wallMs: number, bootId: string) =>
    recordVerdict(history, { cameraId: 'cam-a', from, to, bootId, wallMs, monoMs: 0 });
  const report = (fromMs: number, toMs: number) => {
    const repo = new ReportRepo(db);
    const iso = (ms: number) => new Date(ms).toISOString();
    const rows = {
      cameras: repo.cameras(),
      staticCameras: [{ id: 'cam-a', class: 'overview' as const }],
      outages: repo.outages(iso(fromMs), iso(toMs)),
      boots: repo.boots(),
      inventory: repo.inventoryChanges(iso(fromMs), iso(toMs)),
    };
    const firstVerdicts = repo.firstVerdicts(reportCameraIds(rows), rows.boots, fromMs, toMs);
    const input = { ...rows, firstVerdicts, clockSteps: repo.clockSteps() };
    const r = computeReport(buildReportInput(config, input, { fromMs, toMs }, toMs));
    return r.cameras.find((c) => c.id === 'cam-a');
  };
  const changes = new InventoryChangeRepo(db);
  const inventory = (type: 'added' | 'removed', atMs: number, bootId: string) =>
    changes.record({
      type,
      camera: { id: 'cam-a', class: 'overview', serial: 'S1', model: 'M' },
      atIso: new Date(atMs).toISOString(),
      bootId,
    });
  return { boot, transition, history, inventory, report };
}

describe('camgate report: a clock stepped at boot neither loses uptime nor hides outages', () => {
  it.each([
    ['the step recorded', true],
    ['the step not recorded', false],
  ])('B: RTC 30 s fast, stepped back 2 s after start; the camera online all along (%s)', (_, recorded) => {
    const { boot, transition, history, report } = open();
    boot('b0', T0 - 2 * H, T0 - H);
    transition('unknown', 'online', T0 - 2 * H + 5000, 'b0');
    // The daemon starts at wall T0+30 s (really T0); NTP steps back 30 s; the health tick at
    // mono 4 s reads wall T0+4 s; the camera's verdict comes at wall T0+7 s.
    boot('b1', T0 + 30_000, T0 + 30 * DAY);
    if (recorded) history.recordClockJump('b1', T0 + 4000, 4000, -30_000);
    transition('unknown', 'online', T0 + 7000, 'b1');
    const cam = report(T0, T0 + 30 * DAY);
    // Recorded: the boot ran from T0 in the verdict's clock, 7 s without a verdict. Not recorded:
    // the 30 s before the boot's recorded start are not watched, the verdict leaves no span.
    const unknownMs = recorded ? 7000 : 30_000;
    expect(cam?.uptime).toEqual({
      upMs: 30 * DAY - unknownMs,
      downMs: 0,
      unknownMs,
      maintenanceMs: 0,
      pct: 100,
    });
  });

  it.each([
    ['the step recorded', true],
    ['the step not recorded', false],
  ])('A: an RTC-less boot starting in 1970 keeps the previous boot’s outage (%s)', (_, recorded) => {
    const { boot, transition, history, report } = open();
    // b1 watches 0–10 h: online at 0.1 h, offline 3 h–4 h. b2 starts at wall 1970 + 10 s; NTP
    // steps it to T0+11 h at mono 60 s; the camera's verdict at 12 h; b2 alive to 14 h.
    boot('b1', T0, T0 + 10 * H);
    transition('unknown', 'online', T0 + 0.1 * H, 'b1');
    transition('online', 'offline', T0 + 3 * H, 'b1');
    transition('offline', 'online', T0 + 4 * H, 'b1');
    boot('b2', 10_000, T0 + 14 * H);
    if (recorded) history.recordClockJump('b2', T0 + 11 * H, 60_000, T0 + 11 * H - 10_000 - 60_000);
    transition('unknown', 'online', T0 + 12 * H, 'b2');
    const cam = report(T0, T0 + 14 * H);
    // Unknown: 0.1 h before b1's verdict, 10 h–12 h (the reboot gap and b2 before its verdict).
    expect(cam?.uptime).toEqual({
      upMs: 10.9 * H,
      downMs: H,
      unknownMs: 2.1 * H,
      maintenanceMs: 0,
      pct: 91.597,
    });
    expect(cam?.outageCount).toBe(1);
    expect(cam?.timeline.map((s) => s.state)).toEqual(['unknown', 'up', 'down', 'up', 'unknown', 'up']);
  });
});

describe('camgate report: a camera removed and added again within one boot', () => {
  it('the removal to its next verdict is unknown, not up', () => {
    const { boot, transition, inventory, report } = open();
    // Online at 0.1 h; removed at 3 h, added again at 4 h (health tracks it anew, `unknown`);
    // its next verdict at 5 h; the boot watches to 10 h.
    boot('b1', T0, T0 + 10 * H);
    transition('unknown', 'online', T0 + 0.1 * H, 'b1');
    inventory('removed', T0 + 3 * H, 'b1');
    inventory('added', T0 + 4 * H, 'b1');
    transition('unknown', 'online', T0 + 5 * H, 'b1');
    const cam = report(T0, T0 + 10 * H);
    expect(cam?.uptime).toEqual({
      upMs: 7.9 * H,
      downMs: 0,
      unknownMs: 2.1 * H,
      maintenanceMs: 0,
      pct: 100,
    });
    expect(cam?.timeline.map((s) => [s.state, (s.fromMs - T0) / H])).toEqual([
      ['unknown', 0],
      ['up', 0.1],
      ['unknown', 3],
      ['up', 5],
    ]);
    // Not integrated either: it delivered nothing from the removal to its next verdict.
    expect(cam?.integrated).toMatchObject({ upMs: 7.9 * H, downMs: 2.1 * H, unknownMs: 0 });
  });
});
