import { describe, expect, it } from 'vitest';
import { computeReport } from '../../src/report/compute.js';
import { buildReportInput, type ReportRows } from '../../src/report/input.js';
import type { CameraReport, Report } from '../../src/report/model.js';
import { reportCsv } from '../../src/report/render/csv.js';
import { verdictLines } from '../../src/report/render/format.js';
import { reportJson } from '../../src/report/render/json.js';
import type { VerdictPeriodRow } from '../../src/store/reportRepo.js';
import { at, H, iso, siteConfig } from './fixture.js';

/**
 * Picture-degraded and lpr_no_reads time in the report (issue #17: "the report counts
 * picture-degraded time per camera"), from plain rows. Window 1 Jan, 24 h; watched by boot b1
 * until 12:00 (crashed), reboot gap 12-14, boot b2 from 14:00; maintenance 20-22 for every camera.
 */
const boots = [
  { bootId: 'b1', startedMs: at(-24), lastAliveMs: at(12) },
  { bootId: 'b2', startedMs: at(14), lastAliveMs: at(48) },
];
const cameras = [
  { id: 'cam-a', class: 'overview', firstSeenAt: iso(-720), removedAt: null },
  { id: 'gate', class: 'lpr', firstSeenAt: iso(-720), removedAt: null },
  { id: 'cam-z', class: 'overview', firstSeenAt: iso(-720), removedAt: null },
];
const period = (
  cameraId: string,
  reasons: string,
  from: number,
  to: number | null,
  bootId = 'b2',
): VerdictPeriodRow => ({
  cameraId,
  reasons,
  startedAt: iso(from),
  endedAt: to === null ? null : iso(to),
  bootId,
});

function report(rows: Partial<ReportRows>): Report {
  const all: ReportRows = { cameras, outages: [], boots, ...rows };
  return computeReport(buildReportInput(siteConfig, all, { fromMs: at(0), toMs: at(24) }, at(48)));
}

function camera(r: Report, id: string): CameraReport {
  const c = r.cameras.find((x) => x.id === id);
  if (!c) throw new Error(`no ${id}`);
  return c;
}

describe('picture-degraded and lpr_no_reads time in the report', () => {
  it('counts picture-degraded time per camera and reason, and as not integrated (as the daemon says live)', () => {
    const r = report({
      picture: [
        period('cam-a', 'picture_dark', 1, 3, 'b1'),
        period('cam-a', 'picture_dark picture_frozen', 3, 4, 'b1'),
        // Spans the maintenance window 20-22: only 19-20 and 22-23 count.
        period('cam-a', 'view_changed', 19, 23),
      ],
      lprNoReads: [],
    });
    const a = camera(r, 'cam-a');
    expect(a.picture).toEqual({
      degradedMs: 5 * H,
      byReasonMs: { picture_dark: 3 * H, picture_frozen: H, view_changed: 2 * H },
    });
    // Known time: 24 h - 2 h reboot gap - 2 h maintenance = 20 h; picture degraded 5 h of it.
    expect(a.integrated).toMatchObject({ upMs: 15 * H, downMs: 5 * H, pct: 75 });
    // The stream delivered video all along: uptime is untouched.
    expect(a.uptime).toMatchObject({ upMs: 20 * H, downMs: 0, pct: 100 });
    expect(camera(r, 'cam-z').picture).toEqual({ degradedMs: 0, byReasonMs: {} });
    expect(r.total.pictureDegradedMs).toBe(5 * H);
  });

  it('a period a crash left open ends where its boot stopped watching, not at now (the next boot opens its own)', () => {
    const r = report({ picture: [period('cam-a', 'picture_covered', 10, null, 'b1')], lprNoReads: [] });
    expect(camera(r, 'cam-a').picture?.degradedMs).toBe(2 * H);
    expect(camera(r, 'cam-a').integrated.downMs).toBe(2 * H);
  });

  it('an open period of the running boot counts up to now (cut at the window end)', () => {
    const r = report({ picture: [period('cam-a', 'picture_blurred', 23, null)], lprNoReads: [] });
    expect(camera(r, 'cam-a').picture).toEqual({ degradedMs: H, byReasonMs: { picture_blurred: H } });
  });

  it('lpr_no_reads time is reported apart and stays integrated; non-LPR cameras have none', () => {
    const r = report({ picture: [], lprNoReads: [period('gate', '', 15, 18)] });
    const gate = camera(r, 'gate');
    expect(gate.lprNoReadsMs).toBe(3 * H);
    expect(gate.integrated).toMatchObject({ downMs: 0, pct: 100 });
    expect(camera(r, 'cam-a').lprNoReadsMs).toBeNull();
    expect(r.classes.lpr.lprNoReadsMs).toBe(3 * H);
    expect(r.total.lprNoReadsMs).toBe(3 * H);
  });

  it('a database from before picture checks / no-reads periods says not tracked (null), not zero', () => {
    const r = report({});
    expect(camera(r, 'cam-a').picture).toBeNull();
    expect(camera(r, 'gate').lprNoReadsMs).toBeNull();
    expect(r.total).toMatchObject({ pictureDegradedMs: null, lprNoReadsMs: null });
    expect(verdictLines(r).join('\n')).toMatch(
      /picture degraded: not tracked.*\n.*lpr_no_reads: not tracked/,
    );
    expect(reportJson(r)).toMatchObject({
      cameras: expect.arrayContaining([
        expect.objectContaining({ id: 'cam-a', picture: null, lprNoReadsMs: null }),
      ]),
    });
  });

  it('text, JSON and CSV show the figures', () => {
    const r = report({
      picture: [period('cam-a', 'picture_dark', 1, 3, 'b1')],
      lprNoReads: [period('gate', '', 15, 18)],
    });
    expect(verdictLines(r)).toEqual([
      'picture degraded (counted as not integrated): 1 camera(s), 2h in all',
      '  cam-a: 2h (picture_dark 2h)',
      'lpr_no_reads (degraded, still integrated): 1 camera(s), 3h in all',
      '  gate: 3h',
    ]);
    const json = reportJson(r) as { cameras: { id: string; picture: unknown; lprNoReadsMs: unknown }[] };
    expect(json.cameras.find((c) => c.id === 'cam-a')).toMatchObject({
      picture: { degradedMs: 2 * H, byReasonMs: { picture_dark: 2 * H } },
      lprNoReadsMs: null,
    });
    const csv = reportCsv(r).trim().split('\r\n');
    const header = csv[0]?.split(',') ?? [];
    const row = (id: string) => {
      const cells = csv.find((l) => l.startsWith(`camera,${id},`))?.split(',') ?? [];
      return (name: string) => cells[header.indexOf(name)];
    };
    expect(header.slice(-3)).toEqual(['picture_degraded_s', 'picture_reasons', 'lpr_no_reads_s']);
    expect(row('cam-a')('picture_degraded_s')).toBe('7200');
    expect(row('cam-a')('picture_reasons')).toBe('picture_dark=7200');
    expect(row('gate')('lpr_no_reads_s')).toBe('10800');
    expect(row('gate')('picture_degraded_s')).toBe('0');
  });
});
