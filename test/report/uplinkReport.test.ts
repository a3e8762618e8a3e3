import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { computeReport } from '../../src/report/compute.js';
import { buildReportInput } from '../../src/report/input.js';
import { reportCsv } from '../../src/report/render/csv.js';
import { uplinkCauseNotes, uplinkText } from '../../src/report/render/format.js';
import { reportJson } from '../../src/report/render/json.js';
import { UPLINK_OUTAGE_CAUSE_TABLE } from '../../src/shared/causes.js';
import { silentLog } from '../../src/shared/log.js';
import { BootRepo } from '../../src/store/bootRepo.js';
import { HistoryRepo } from '../../src/store/historyRepo.js';
import { ReportRepo } from '../../src/store/reportRepo.js';
import { Store } from '../../src/store/store.js';
import { UplinkOutageRepo } from '../../src/store/uplinkOutageRepo.js';

/**
 * Issue #12 item 3 (field case: a site whose uplink was down for three days reported 100 %
 * integrated). Hand-built through the store API; every figure below is worked out by hand.
 *
 * Window: 1–11 Nov 2026 (10 days), one boot watching all of it.
 * - cam-a (overview): stream down 2 Nov 00:00 – 3 Nov 00:00 (1 day).
 * - cam-b (lpr): never down.
 * - uplink: broker unreachable 5 Nov 00:00 – 8 Nov 00:00 (3 days), refused 9 Nov 00:00 – 12:00.
 * Expected: uplink available 6.5 / 10 days = 65 %, 2 outages, longest 3 days.
 * cam-a integrated: down 1 + 3.5 days = 4.5 → 55 %; uptime 90 %. cam-b integrated 65 %, uptime 100 %.
 * Site integrated: (5.5 + 6.5) / 20 days = 60 %.
 */
const D = 86_400_000;
const NOV1 = Date.UTC(2026, 10, 1);
const day = (d: number): number => NOV1 + (d - 1) * D;
const iso = (ms: number): string => new Date(ms).toISOString();

const config = parseConfigText(
  `site: { id: s1, name: Site }
gateway: { id: gw-1 }
cameras:
  - { id: cam-a, rtsp: "rtsp://127.0.0.1:1/a", class: overview }
  - { id: cam-b, rtsp: "rtsp://127.0.0.1:1/b", class: lpr }
`,
  'test.yaml',
);

let store: Store | undefined;
afterEach(() => store?.close());

function build() {
  store = Store.open({ dir: ':memory:', log: silentLog() });
  const db = store.db;
  new BootRepo(db).start('b1', 'test', day(0));
  new BootRepo(db).alive('b1', day(12));
  const now = (ms: number) => ({ bootId: 'b1', wallMs: ms, monoMs: ms - day(0) });
  const history = new HistoryRepo(db);
  const transition = (to: 'offline' | 'online', ms: number) =>
    history.recordTransition({
      cameraId: 'cam-a',
      from: to === 'offline' ? 'online' : 'offline',
      to,
      reasons: [],
      cause: to === 'offline' ? 'camera_offline' : undefined,
      outage: to === 'offline' ? 'start' : 'end',
      bootId: 'b1',
      wallMs: ms,
      monoMs: ms - day(0),
    });
  transition('offline', day(2));
  transition('online', day(3));
  const uplink = new UplinkOutageRepo(db, 'gw-1');
  uplink.open('broker_unreachable', now(day(5)));
  uplink.close(now(day(8)));
  uplink.open('refused', now(day(9)));
  uplink.close(now(day(9) + D / 2));
  const repo = new ReportRepo(db);
  const window = { fromMs: day(1), toMs: day(11) };
  const rows = {
    cameras: repo.cameras(),
    staticCameras: [
      { id: 'cam-a', class: 'overview' as const },
      { id: 'cam-b', class: 'lpr' as const },
    ],
    outages: repo.outages(iso(window.fromMs), iso(window.toMs)),
    boots: repo.boots(),
  };
  return computeReport(buildReportInput(config, rows, window, day(12)));
}

describe('camgate report counts the uplink (issue #12 item 3)', () => {
  it('per camera, class and site, with the uplink availability and its longest outage', () => {
    const r = build();
    expect(r.uplink).toEqual({
      availability: { upMs: 6.5 * D, downMs: 3.5 * D, unknownMs: 0, maintenanceMs: 0, pct: 65 },
      outageCount: 2,
      longestOutageMs: 3 * D,
      downMsByCause: { broker_unreachable: 3 * D, refused: D / 2 },
    });
    const cam = (id: string) => r.cameras.find((c) => c.id === id);
    expect(cam('cam-a')?.uptime.pct).toBe(90);
    expect(cam('cam-a')?.integrated).toMatchObject({ upMs: 5.5 * D, downMs: 4.5 * D, pct: 55 });
    expect(cam('cam-b')?.uptime.pct).toBe(100);
    expect(cam('cam-b')?.integrated.pct).toBe(65);
    // The uplink is not a camera: it never appears in the camera list.
    expect(r.cameras.map((c) => c.id)).toEqual(['cam-a', 'cam-b']);
    expect(r.classes.overview.integratedPct).toBe(55);
    expect(r.classes.lpr.integratedPct).toBe(65);
    expect(r.total.integratedPct).toBe(60);
  });

  it('json and csv carry the site uplink figures', () => {
    const r = build();
    const json = reportJson(r) as { uplink: Record<string, unknown> };
    expect(json.uplink).toMatchObject({ availabilityPct: 65, outageCount: 2, longestOutageMs: 3 * D });
    const lines = reportCsv(r).trim().split('\r\n');
    expect(lines.at(-2)).toBe('uplink,s1,,65,,,2,259200,,,0,0,,,,,,,');
    expect(lines.at(-1)).toMatch(/^site,s1,/);
    // Text and HTML explain each cause from the one cause table.
    expect(uplinkText(r.uplink)).toBe(
      'uplink to the centre: 65.00% available, 2 outage(s), longest 3d (broker_unreachable 3d, refused 12h)',
    );
    expect(uplinkCauseNotes(r.uplink)).toEqual([
      `broker_unreachable: ${UPLINK_OUTAGE_CAUSE_TABLE.broker_unreachable.explanation}; next: ${UPLINK_OUTAGE_CAUSE_TABLE.broker_unreachable.nextStep}`,
      `refused: ${UPLINK_OUTAGE_CAUSE_TABLE.refused.explanation}; next: ${UPLINK_OUTAGE_CAUSE_TABLE.refused.nextStep}`,
    ]);
  });
});
