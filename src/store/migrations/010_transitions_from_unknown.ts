import type { Migration } from './index.js';

/**
 * `camgate report`'s not_yet_seen time: each transition out of `unknown` ends a stretch without a
 * verdict (every boot starts a camera `unknown`; so does tracking it anew after a removal). Found by
 * boot, not by wall time (a clock step at boot put the verdict before the boot's start), in one
 * query per boot: a crash-looping daemon has thousands of boots a day, and one seek per camera and
 * boot made millions. Partial: only these rows, a few per camera and boot, are in it.
 */
export const m010TransitionsFromUnknown: Migration = {
  version: 10,
  name: 'transitions_from_unknown',
  sql: `
CREATE INDEX transitions_from_unknown ON transitions (boot_id, camera_id, id, at) WHERE from_status = 'unknown';
`,
};
