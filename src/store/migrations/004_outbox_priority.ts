import type { Migration } from './index.js';

/** The outbox cap policy deletes the oldest rows of the lowest priority first; this keeps that an index walk. */
export const m004OutboxPriority: Migration = {
  version: 4,
  name: 'outbox_priority',
  sql: `
CREATE INDEX IF NOT EXISTS outbox_priority_seq ON outbox (priority, seq);
`,
};
