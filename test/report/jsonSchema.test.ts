import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { computeReport } from '../../src/report/compute.js';
import { buildReportInput } from '../../src/report/input.js';
import { reportJson } from '../../src/report/render/json.js';
import { reportDocument, reportJsonSchema } from '../../src/report/render/jsonSchema.js';
import { ReportRepo } from '../../src/store/reportRepo.js';
import type { Store } from '../../src/store/store.js';
import { at, iso, siteConfig, siteStore } from './fixture.js';

const FILE = path.join(import.meta.dirname, '..', '..', 'docs', 'schemas', 'report.json');

let store: Store | undefined;
afterEach(() => store?.close());

describe('docs/schemas/report.json', () => {
  it('matches the zod schema of the report document (regenerate with CAMGATE_WRITE_SCHEMAS=1)', () => {
    const text = `${JSON.stringify(reportJsonSchema(), null, 2)}\n`;
    if (process.env.CAMGATE_WRITE_SCHEMAS === '1') fs.writeFileSync(FILE, text);
    expect(fs.readFileSync(FILE, 'utf8')).toBe(text);
  });

  it('real report output parses with it, every field declared (with and without picture and no-reads periods)', () => {
    store = siteStore();
    store.db
      .prepare(
        "INSERT INTO picture_degraded (camera_id, reasons, started_at, ended_at, boot_id) VALUES ('cam-a', 'picture_dark', ?, ?, 'b2')",
      )
      .run(iso(15), iso(16));
    store.db
      .prepare(
        "INSERT INTO lpr_no_reads (camera_id, started_at, ended_at, boot_id) VALUES ('cam-b', ?, ?, 'b2')",
      )
      .run(iso(15), iso(17));
    const repo = new ReportRepo(store.db);
    const base = { cameras: repo.cameras(), outages: repo.outages(iso(0), iso(24)), boots: repo.boots() };
    const window = { fromMs: at(0), toMs: at(24) };
    const full = {
      ...base,
      inventory: repo.inventoryChanges(iso(0), iso(24)),
      picture: repo.pictureDegraded(iso(0), iso(24)),
      lprNoReads: repo.lprNoReads(iso(0), iso(24)),
    };
    const tracked = reportDocument.parse(
      reportJson(computeReport(buildReportInput(siteConfig, full, window, at(48)))),
    );
    expect(tracked.cameras.find((c) => c.id === 'cam-a')?.picture).toEqual({
      degradedMs: 3_600_000,
      byReasonMs: { picture_dark: 3_600_000 },
    });
    expect(tracked.cameras.find((c) => c.id === 'cam-b')?.lprNoReadsMs).toBe(7_200_000);
    const old = reportDocument.parse(
      reportJson(computeReport(buildReportInput(siteConfig, base, window, at(48)))),
    );
    expect(old.total).toMatchObject({ pictureDegradedMs: null, lprNoReadsMs: null });
    expect(old.replaced.tracked).toBe(false);
  });
});
