import { m001Init } from './001_init.js';
import { m004OutboxPriority } from './004_outbox_priority.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * Numbered, append-only. Applied in one transaction each, tracked with PRAGMA user_version.
 * Never edit a migration that has shipped; add the next number.
 */
export const migrations: readonly Migration[] = [m001Init, m004OutboxPriority];
