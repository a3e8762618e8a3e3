import type { Migration } from './index.js';

export const m001Init: Migration = {
  version: 1,
  name: 'init',
  sql: `
CREATE TABLE kv (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE boots (
  boot_id     TEXT PRIMARY KEY,
  started_at  TEXT NOT NULL,
  started_ms  INTEGER NOT NULL,
  last_alive_ms INTEGER NOT NULL,
  stopped_at  TEXT,
  version     TEXT NOT NULL
) STRICT;

CREATE TABLE cameras (
  id           TEXT PRIMARY KEY,
  address      TEXT NOT NULL,
  source       TEXT NOT NULL,
  endpoint_ref TEXT,
  manufacturer TEXT,
  model        TEXT,
  serial       TEXT,
  mac          TEXT,
  class        TEXT NOT NULL,
  record_json  TEXT NOT NULL,
  first_seen_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  missed_sweeps INTEGER NOT NULL DEFAULT 0,
  removed_at   TEXT
) STRICT;

CREATE TABLE transitions (
  id          INTEGER PRIMARY KEY,
  camera_id   TEXT NOT NULL,
  at          TEXT NOT NULL,
  from_status TEXT NOT NULL,
  to_status   TEXT NOT NULL,
  reasons_json TEXT NOT NULL,
  boot_id     TEXT NOT NULL
) STRICT;
CREATE INDEX transitions_camera_at ON transitions (camera_id, at);

CREATE TABLE outages (
  id          INTEGER PRIMARY KEY,
  camera_id   TEXT NOT NULL,
  kind        TEXT NOT NULL,            -- 'stream' | 'recording' | 'uplink'
  cause       TEXT NOT NULL,
  started_at  TEXT NOT NULL,
  ended_at    TEXT,
  duration_ms INTEGER,                  -- from the monotonic clock within one boot
  end_reason  TEXT,                     -- 'restored' | 'gap_reboot' | 'removed'
  boot_id     TEXT NOT NULL
) STRICT;
CREATE INDEX outages_camera_started ON outages (camera_id, started_at);
CREATE INDEX outages_open ON outages (ended_at) WHERE ended_at IS NULL;

CREATE TABLE outbox (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id   TEXT NOT NULL UNIQUE,
  type       TEXT NOT NULL,
  camera_id  TEXT,
  payload    TEXT NOT NULL,
  bytes      INTEGER NOT NULL,
  priority   INTEGER NOT NULL DEFAULT 1, -- 0 = droppable (metrics), 1 = keep
  created_at TEXT NOT NULL
) STRICT;
`,
};
