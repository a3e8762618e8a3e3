import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { computeReport } from '../../src/report/compute.js';
import { buildReportInput } from '../../src/report/input.js';
import type { CameraReport, Report } from '../../src/report/model.js';
import { ReportRepo } from '../../src/store/reportRepo.js';
import type { Store } from '../../src/store/store.js';
import { at, H, iso, siteConfig, siteStore } from './fixture.js';

let store: Store | undefined;
afterEach(() => store?.close());

function report(fromH = 0, toH = 24, nowH = 48, prepare?: (s: Store) => void): Report {
  store = siteStore();
  prepare?.(store);
  const repo = new ReportRepo(store.db);
  const rows = {
    cameras: repo.cameras(),
    outages: repo.outages(iso(fromH), iso(toH)),
    boots: repo.boots(),
    inventory: repo.inventoryChanges(iso(fromH), iso(toH)),
  };
  return computeReport(buildReportInput(siteConfig, rows, { fromMs: at(fromH), toMs: at(toH) }, at(nowH)));
}

function camera(r: Report, id: string): CameraReport {
  const c = r.cameras.find((x) => x.id === id);
  if (!c) throw new Error(`no ${id} in report`);
  return c;
}

describe('computeReport over a hand-built site database', () => {
  it('counts outage time against uptime, excluding maintenance and the reboot gap from the denominator', () => {
    const a = camera(report(), 'cam-a');
    expect(a.uptime).toEqual({
      upMs: 18 * H,
      downMs: 2 * H,
      unknownMs: 2 * H,
      maintenanceMs: 2 * H,
      pct: 90,
    });
    expect(a.outageCount).toBe(2);
    expect(a.longestOutageMs).toBe(H);
    expect(a.mttrMs).toBe(H);
    expect(a.restored).toBe(true);
  });

  it('shows the reboot gap as unknown time on the timeline, never as uptime', () => {
    const a = camera(report(), 'cam-a');
    expect(a.timeline.map((s) => [s.state, (s.fromMs - at(0)) / H, (s.toMs - at(0)) / H])).toEqual([
      ['up', 0, 2],
      ['down', 2, 3],
      ['up', 3, 11],
      ['down', 11, 12],
      ['unknown', 12, 14],
      ['up', 14, 20],
      ['maintenance', 20, 22],
      ['up', 22, 24],
    ]);
  });

  it('does not count time before a camera was first seen, and measures recording where it is on', () => {
    const r = report();
    const b = camera(r, 'cam-b');
    expect(b.uptime.pct).toBe(100);
    expect(b.uptime.upMs).toBe(14 * H);
    expect(b.timeline[0]).toMatchObject({ state: 'absent', fromMs: at(0), toMs: at(6) });
    expect(b.recording).toMatchObject({ upMs: 13 * H, downMs: H, pct: 92.857 });
    // recording 08-09 and uplink 16-18 both break integration
    expect(b.integrated).toMatchObject({ upMs: 11 * H, downMs: 3 * H, pct: 78.571 });
    expect(camera(r, 'cam-a').recording).toBeNull();
    expect(camera(r, 'cam-a').integrated.pct).toBe(80);
  });

  it('stops counting a removed camera at removal and does not call a removal a restoration', () => {
    const c = camera(report(), 'cam-c');
    expect(c.uptime).toMatchObject({ upMs: 10 * H, downMs: 2 * H, pct: 83.333 });
    expect(c.installedAtEnd).toBe(false);
    expect(c.restored).toBe(false);
    expect(c.mttrMs).toBeNull();
  });

  it('runs an open outage to the end of the window and ignores outages before it', () => {
    const d = camera(report(), 'cam-d');
    expect(d.outageCount).toBe(1);
    expect(d.uptime).toMatchObject({ upMs: 19 * H, downMs: H, pct: 95 });
    expect(d.restored).toBe(false);
  });

  it('pools per class and for the site, with planned vs installed', () => {
    const r = report();
    expect(r.classes.overview).toEqual({
      planned: 12,
      installed: 2,
      missing: 10,
      cameras: 2,
      uptimePct: 92.5,
      integratedPct: 82.5,
      recordingPct: null,
      outageCount: 3,
      restoredCameras: 1,
      replaced: 2,
      // Rows without picture or no-reads periods: not tracked.
      pictureDegradedMs: null,
      lprNoReadsMs: null,
    });
    expect(r.classes.panoramic).toMatchObject({ planned: 2, installed: 0, missing: 2, cameras: 1 });
    expect(r.classes.lpr).toMatchObject({ planned: 10, installed: 1, missing: 9, recordingPct: 92.857 });
    expect(r.total).toMatchObject({
      planned: 24,
      installed: 3,
      missing: 21,
      cameras: 4,
      uptimePct: 92.424,
      restoredCameras: 1,
    });
    expect(r.replaced.tracked).toBe(true);
  });

  it('counts replaced cameras per camera, class and site in the window (added and removed are not replacements)', () => {
    const r = report();
    expect(r.cameras.map((c) => [c.id, c.replaced])).toEqual([
      ['cam-a', 2],
      ['cam-b', 1],
      ['cam-c', 0],
      ['cam-d', 0],
    ]);
    expect([r.classes.overview.replaced, r.classes.lpr.replaced, r.classes.panoramic.replaced]).toEqual([
      2, 1, 0,
    ]);
    expect(r.total.replaced).toBe(3);
    expect(r.replaced).toEqual({ tracked: true, sinceMs: at(-48), total: 3, note: '3 in the window' });
  });

  it('says so when the window reaches back before the database began recording replacements', () => {
    const r = report(-72, 24);
    expect(camera(r, 'cam-d').replaced).toBe(1);
    expect(r.replaced).toMatchObject({ tracked: true, sinceMs: at(-48), total: 4 });
    expect(r.replaced.note).toBe(
      '4 recorded since 2025-12-30T00:00:00.000Z; replacements before then are not in the database',
    );
  });

  it('a database from before migration 005 reports replacements as not tracked, not as zero', () => {
    const r = report(0, 24, 48, (s) => s.db.exec('DROP TABLE inventory_changes'));
    expect(r.replaced.tracked).toBe(false);
    expect(r.replaced.note).toMatch(/^not tracked/);
    expect(camera(r, 'cam-a').replaced).toBeNull();
    expect(r.classes.overview.replaced).toBeNull();
    expect(r.total.replaced).toBeNull();
  });

  it('cuts a window that reaches into the future at now', () => {
    const a = camera(report(0, 48, 6), 'cam-a');
    // boots say watched all along until 12:00; now is 06:00, so only 0-6 counts
    expect(a.uptime).toMatchObject({ upMs: 5 * H, downMs: H, unknownMs: 0 });
  });

  it('includes config cameras with no inventory row, watched from the first boot (regression: static cameras were missing)', () => {
    store = siteStore();
    const repo = new ReportRepo(store.db);
    const rows = {
      cameras: repo.cameras(),
      outages: repo.outages(iso(0), iso(24)),
      boots: repo.boots(),
      staticCameras: [{ id: 'yard-1', class: 'lpr' as const }],
    };
    const r = computeReport(buildReportInput(siteConfig, rows, { fromMs: at(0), toMs: at(24) }, at(48)));
    expect(camera(r, 'yard-1')).toMatchObject({
      class: 'lpr',
      outageCount: 0,
      uptime: { upMs: 20 * H, pct: 100 },
    });
    expect(r.classes.lpr.installed).toBe(2);
  });

  it('restored has one definition: a stream outage that ended as restored inside the window', () => {
    const r = report(0, 24, 48, (s) => {
      s.db
        .prepare(
          `INSERT INTO cameras (id, address, source, class, record_json, first_seen_at, last_seen_at, removed_at)
           VALUES ('cam-e', '127.0.0.1', 'static', 'overview', '{}', ?, ?, NULL)`,
        )
        .run(iso(-720), iso(48));
      s.db
        .prepare(
          `INSERT INTO outages (camera_id, kind, cause, started_at, ended_at, duration_ms, end_reason, boot_id)
           VALUES ('cam-e', 'stream', 'camera_offline', ?, ?, ?, 'gap_reboot', 'b1')`,
        )
        .run(iso(11), iso(12), H);
    });
    // The gateway stopped, not the camera recovered: nobody saw cam-e come back.
    expect(camera(r, 'cam-e')).toMatchObject({ outageCount: 1, restored: false, mttrMs: null });
    // cam-a came back at 03:00; its later outage ending in the reboot gap does not undo that.
    expect(camera(r, 'cam-a').restored).toBe(true);
    expect(r.total.restoredCameras).toBe(1);
  });

  it('regression: record: on an entry matched by serial or MAC makes recording expected (it was ignored)', () => {
    store = siteStore();
    store.db
      .prepare("UPDATE cameras SET serial = 'SN-D', mac = '00:1c:27:00:00:0d' WHERE id = 'cam-d'")
      .run();
    store.db.prepare("UPDATE cameras SET mac = '00:1c:27:00:00:0a' WHERE id = 'cam-a'").run();
    const config = parseConfigText(`
site: { id: korosten-01 }
gateway: { id: gw-test }
cameras:
  - { serial: SN-D, record: true }
  - { mac: 00-1C-27-00-00-0A, record: true }
`);
    const repo = new ReportRepo(store.db);
    const rows = { cameras: repo.cameras(), outages: repo.outages(iso(0), iso(24)), boots: repo.boots() };
    const r = computeReport(buildReportInput(config, rows, { fromMs: at(0), toMs: at(24) }, at(48)));
    expect(camera(r, 'cam-d').recording).not.toBeNull();
    expect(camera(r, 'cam-a').recording).not.toBeNull();
    expect(camera(r, 'cam-b').recording).toBeNull();
  });

  it('gives null percentages, not 100 %, when nothing was observed', () => {
    const a = camera(report(12, 14), 'cam-a');
    expect(a.uptime).toMatchObject({ upMs: 0, downMs: 0, unknownMs: 2 * H, pct: null });
  });
});
