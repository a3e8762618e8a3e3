import type { Migration } from './index.js';

/**
 * Plate reads per period and LPR camera (issue #17 item 3), so a restart keeps the history the
 * camera's normal reading hours are learnt from. A row exists only for a period in which the
 * camera's event subscription was up ("observed"): a missing row is not "no reads". `period_ms`
 * is part of the key, so a changed `lpr.periodSeconds` starts a new series instead of mixing
 * lengths. (006 is left to the picture checks landing beside this.)
 */
export const m007LprReads: Migration = {
  version: 7,
  name: 'lpr_reads',
  sql: `
CREATE TABLE lpr_reads (
  camera_id    TEXT NOT NULL,
  period_ms    INTEGER NOT NULL,
  period_start INTEGER NOT NULL,   -- epoch ms, a multiple of period_ms
  reads        INTEGER NOT NULL,
  PRIMARY KEY (camera_id, period_ms, period_start)
) STRICT, WITHOUT ROWID;
`,
};
