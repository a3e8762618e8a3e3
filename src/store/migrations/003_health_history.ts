import type { Migration } from './index.js';

/**
 * Health history needs both clocks: wall ms for windows and display, monotonic ms for durations
 * (an NTP step must never stretch or shrink an outage). Clock steps and reboot gaps get rows of
 * their own so reports can say why a span was not observed.
 */
export const m003HealthHistory: Migration = {
  version: 3,
  name: 'health_history',
  sql: `
ALTER TABLE outages ADD COLUMN started_ms INTEGER;
ALTER TABLE outages ADD COLUMN ended_ms INTEGER;
ALTER TABLE outages ADD COLUMN started_mono_ms INTEGER;
ALTER TABLE transitions ADD COLUMN at_ms INTEGER;
ALTER TABLE transitions ADD COLUMN evidence_json TEXT;
CREATE INDEX outages_camera_open ON outages (camera_id) WHERE ended_at IS NULL;
CREATE INDEX outages_started_ms ON outages (started_ms);

CREATE TABLE clock_jumps (
  id          INTEGER PRIMARY KEY,
  boot_id     TEXT NOT NULL,
  at          TEXT NOT NULL,
  at_ms       INTEGER NOT NULL,       -- wall clock after the step
  at_mono_ms  INTEGER NOT NULL,
  jump_ms     INTEGER NOT NULL        -- positive: wall clock stepped forward
) STRICT;

CREATE TABLE reboot_gaps (
  boot_id          TEXT PRIMARY KEY,  -- the boot that found the gap
  previous_boot_id TEXT NOT NULL,
  from_ms          INTEGER NOT NULL,  -- previous boot's last_alive_ms
  to_ms            INTEGER NOT NULL,  -- this boot's start
  clean            INTEGER NOT NULL,  -- 1 when the previous boot stopped cleanly
  open_outages     INTEGER NOT NULL
) STRICT;
`,
};
