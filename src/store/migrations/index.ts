import { m001Init } from './001_init.js';
import { m003HealthHistory } from './003_health_history.js';
import { m004OutboxPriority } from './004_outbox_priority.js';
import { m005InventoryChanges } from './005_inventory_changes.js';
import { m006Picture } from './006_picture.js';
import { m007LprReads } from './007_lpr_reads.js';
import { m008PictureReferencePictures } from './008_picture_reference_pictures.js';
import { m009LprNoReads } from './009_lpr_no_reads.js';
import { m010TransitionsFromUnknown } from './010_transitions_from_unknown.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * Numbered, append-only. Applied in one transaction each, tracked with PRAGMA user_version.
 * Never edit a migration that has shipped; add the next number. (002 was reserved for
 * discovery, which needed none: numbers may skip, never go back.)
 */
export const migrations: readonly Migration[] = [
  m001Init,
  m003HealthHistory,
  m004OutboxPriority,
  m005InventoryChanges,
  m006Picture,
  m007LprReads,
  m008PictureReferencePictures,
  m009LprNoReads,
  m010TransitionsFromUnknown,
];
