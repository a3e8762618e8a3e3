import type { Migration } from './index.js';

/**
 * Picture checks (issue #17): each camera's learnt references (day and night), so a restart does
 * not forget what the camera should see, and the periods its picture was degraded, for the
 * report. Not in `outages`: a degraded picture still delivers video (the report's outage kinds
 * count as downtime), and it has its own reasons.
 */
export const m006Picture: Migration = {
  version: 6,
  name: 'picture',
  sql: `
CREATE TABLE picture_references (
  camera_id  TEXT NOT NULL,
  mode       TEXT NOT NULL,           -- 'day' | 'night'
  reference  TEXT NOT NULL,           -- JSON: meanLuma, contrast, sharpness, grid, samples
  learnt_at  TEXT NOT NULL,           -- ISO-8601 UTC
  PRIMARY KEY (camera_id, mode)
) STRICT;
CREATE TABLE picture_degraded (
  id          INTEGER PRIMARY KEY,
  camera_id   TEXT NOT NULL,
  reasons     TEXT NOT NULL,          -- space-separated, as raised when the period began
  started_at  TEXT NOT NULL,          -- ISO-8601 UTC
  ended_at    TEXT,                   -- NULL while degraded
  boot_id     TEXT NOT NULL
) STRICT;
CREATE INDEX picture_degraded_camera ON picture_degraded (camera_id, started_at);
`,
};
