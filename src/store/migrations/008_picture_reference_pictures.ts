import type { Migration } from './index.js';

/**
 * Each picture reference keeps the thumbnail it stands for and where it came from (issue #17: the
 * reference is taken by `camgate acceptance` at handover or learnt from the first good samples;
 * the acceptance pack and `camgate why --html` show it beside the latest sample). In the same row
 * as the reference, so `camgate picture reset` (online or offline) forgets both at once. A
 * reference learnt before this migration has source 'learnt' and no thumbnail.
 */
export const m008PictureReferencePictures: Migration = {
  version: 8,
  name: 'picture_reference_pictures',
  sql: `
ALTER TABLE picture_references ADD COLUMN source TEXT NOT NULL DEFAULT 'learnt';  -- 'learnt' | 'acceptance'
ALTER TABLE picture_references ADD COLUMN thumbnail BLOB;                         -- raw yuv420p 128×72, or NULL
`,
};
