import type { Migration } from './index.js';

/**
 * The periods an LPR camera was `lpr_no_reads` (issue #17: the report counts them). The verdict
 * is judged live from `lpr_reads` and was not kept, so the report could not say how long a camera
 * read nothing. Like `picture_degraded` (006): a row per period, open while it lasts, with the boot
 * that wrote it so a period a crash left open ends where its boot stopped watching. (008 is the
 * picture reference pictures landing beside this.)
 */
export const m009LprNoReads: Migration = {
  version: 9,
  name: 'lpr_no_reads',
  sql: `
CREATE TABLE lpr_no_reads (
  id          INTEGER PRIMARY KEY,
  camera_id   TEXT NOT NULL,
  started_at  TEXT NOT NULL,          -- ISO-8601 UTC
  ended_at    TEXT,                   -- NULL while the camera reads nothing
  boot_id     TEXT NOT NULL
) STRICT;
CREATE INDEX lpr_no_reads_camera ON lpr_no_reads (camera_id, started_at);
`,
};
