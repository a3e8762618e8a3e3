import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { computeReport } from '../../src/report/compute.js';
import { buildReportInput, reportCameraIds } from '../../src/report/input.js';
import { silentLog } from '../../src/shared/log.js';
import type { CameraStatus } from '../../src/shared/types.js';
import { BootRepo } from '../../src/store/bootRepo.js';
import { HistoryRepo } from '../../src/store/historyRepo.js';
import { ReportRepo } from '../../src/store/reportRepo.js';
import { Store } from '../../src/store/store.js';
import { recordVerdict } from './transitions.js';

/**
 * Field bug: a camera camgate had no verdict on (status `unknown`, cause not_yet_seen: it answered
 * ONVIF but timed out on GetProfiles, so there was no stream URI to watch) was reported 100 % up by
 * `camgate report` and the acceptance pack, and every camera's minutes before its first verdict
 * after each boot counted as uptime. That time is unknown: neither up nor down.
 *
 * Hand-built through the store API, one boot watching 10 h (window = the boot):
 * - cam-a: online from 1 h → unknown 1 h, up 9 h, 100 %.
 * - cam-b: no verdict at all → unknown 10 h, no percentage (was 100 %).
 * - cam-c: offline at 2 h (outage), online at 3 h → unknown 2 h, down 1 h, up 7 h, 87.5 %.
 * Pooled uptime: 16 h up / 17 h known = 94.118 %. Integration is not unknown: time without a
 * verdict is not integrated (16 h of 30 h). Then a restart: each boot starts without a verdict.
 */
const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 1);

const config = parseConfigText(
  `site: { id: s1, name: Site }
gateway: { id: gw-1 }
`,
  'test.yaml',
);

let store: Store | undefined;
afterEach(() => store?.close());

function build(reboot = false) {
  store = Store.open({ dir: ':memory:', log: silentLog() });
  const db = store.db;
  new BootRepo(db).start('b1', 'test', T0);
  new BootRepo(db).alive('b1', T0 + 10 * H);
  const history = new HistoryRepo(db);
  const transition = (cameraId: string, from: CameraStatus, to: CameraStatus, hours: number, bootId = 'b1') =>
    recordVerdict(history, { cameraId, from, to, bootId, wallMs: T0 + hours * H, monoMs: hours * H });
  transition('cam-a', 'unknown', 'online', 1);
  transition('cam-c', 'unknown', 'offline', 2);
  transition('cam-c', 'offline', 'online', 3);
  if (reboot) {
    new BootRepo(db).start('b2', 'test', T0 + 11 * H);
    new BootRepo(db).alive('b2', T0 + 14 * H);
    transition('cam-a', 'unknown', 'online', 12, 'b2');
  }
  const end = T0 + (reboot ? 14 : 10) * H;
  const repo = new ReportRepo(db);
  const window = { fromMs: T0, toMs: end };
  const iso = (ms: number) => new Date(ms).toISOString();
  const rows = {
    cameras: repo.cameras(),
    staticCameras: ['cam-a', 'cam-b', 'cam-c'].map((id) => ({ id, class: 'overview' as const })),
    outages: repo.outages(iso(window.fromMs), iso(window.toMs)),
    boots: repo.boots(),
  };
  const firstVerdicts = repo.firstVerdicts(reportCameraIds(rows), rows.boots, window.fromMs, window.toMs);
  return computeReport(buildReportInput(config, { ...rows, firstVerdicts }, window, end));
}

describe('camgate report: time before a camera’s first verdict (not_yet_seen) is unknown, not uptime', () => {
  it('per camera and pooled, a camera never seen has no uptime percentage and is not integrated', () => {
    const r = build();
    const cam = (id: string) => r.cameras.find((c) => c.id === id);
    expect(cam('cam-a')?.uptime).toEqual({
      upMs: 9 * H,
      downMs: 0,
      unknownMs: H,
      maintenanceMs: 0,
      pct: 100,
    });
    expect(cam('cam-b')?.uptime).toEqual({
      upMs: 0,
      downMs: 0,
      unknownMs: 10 * H,
      maintenanceMs: 0,
      pct: null,
    });
    // Integration is not unknown: a camera that delivers nothing is not integrated (the daemon
    // says integrated:false live). 0.5.x first read no percentage here, and 100 % for the class.
    expect(cam('cam-b')?.integrated).toEqual({
      upMs: 0,
      downMs: 10 * H,
      unknownMs: 0,
      maintenanceMs: 0,
      pct: 0,
    });
    expect(cam('cam-a')?.integrated.pct).toBe(90);
    expect(cam('cam-c')?.uptime).toEqual({
      upMs: 7 * H,
      downMs: H,
      unknownMs: 2 * H,
      maintenanceMs: 0,
      pct: 87.5,
    });
    expect(cam('cam-c')?.timeline.map((s) => s.state)).toEqual(['unknown', 'down', 'up']);
    expect(cam('cam-c')?.outageCount).toBe(1);
    expect(r.total.uptimePct).toBe(94.118);
    // Integrated: 9 + 0 + 7 h of 30 h known (the 13 h without a verdict and cam-c's outage: not).
    expect(r.classes.overview.integratedPct).toBe(53.333);
    expect(r.total.integratedPct).toBe(53.333);
  });

  it('every boot starts without a verdict: after a restart the time to each camera’s next verdict is unknown', () => {
    // b2 runs 11 h–14 h after a 1 h gap: cam-a online again at 12 h; cam-c gets no verdict in b2.
    const r = build(true);
    const cam = (id: string) => r.cameras.find((c) => c.id === id);
    expect(cam('cam-a')?.uptime).toEqual({
      upMs: 11 * H,
      downMs: 0,
      unknownMs: 3 * H,
      maintenanceMs: 0,
      pct: 100,
    });
    expect(cam('cam-c')?.uptime).toEqual({
      upMs: 7 * H,
      downMs: H,
      unknownMs: 6 * H,
      maintenanceMs: 0,
      pct: 87.5,
    });
    expect(cam('cam-b')?.uptime.unknownMs).toBe(14 * H);
  });
});
