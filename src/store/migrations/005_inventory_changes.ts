import type { Migration } from './index.js';

/**
 * Inventory changes as history: the `cameras` table holds only the current device under each id,
 * so a replacement (a new serial/MAC under an old id, or a new device at an old address) left no
 * trace for `camgate report`. One row per added / replaced / removed event.
 */
export const m005InventoryChanges: Migration = {
  version: 5,
  name: 'inventory_changes',
  sql: `
CREATE TABLE inventory_changes (
  id                 INTEGER PRIMARY KEY,
  camera_id          TEXT NOT NULL,
  type               TEXT NOT NULL,     -- 'added' | 'replaced' | 'removed'
  class              TEXT NOT NULL,     -- the camera's class at the change (the new device's)
  at                 TEXT NOT NULL,     -- ISO-8601 UTC
  previous_camera_id TEXT,              -- a replacement that came under a new id
  serial             TEXT,
  previous_serial    TEXT,
  model              TEXT,
  previous_model     TEXT,
  boot_id            TEXT NOT NULL
) STRICT;
CREATE INDEX inventory_changes_at ON inventory_changes (at);
`,
};
