import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Numbered migrations, one list for both dialects (Kysely's schema builder writes each one's SQL).
 * Never edit a released migration: add the next number.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('gateways')
        .addColumn('gateway_id', 'text', (c) => c.primaryKey())
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('bd_seq', 'integer', (c) => c.notNull())
        .addColumn('boot_id', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('since', 'text', (c) => c.notNull())
        .addColumn('last_seen', 'text', (c) => c.notNull())
        .addColumn('first_seen', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('cameras')
        .addColumn('gateway_id', 'text', (c) => c.notNull())
        .addColumn('camera_id', 'text', (c) => c.notNull())
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('class', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('integrated', 'integer', (c) => c.notNull())
        .addColumn('cause', 'text')
        .addColumn('recording_status', 'text', (c) => c.notNull())
        .addColumn('since', 'text', (c) => c.notNull())
        .addColumn('ts', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('cameras_pk', ['gateway_id', 'camera_id'])
        .execute();
      await db.schema.createIndex('cameras_site').on('cameras').column('site_id').execute();
      await db.schema
        .createTable('summaries')
        .addColumn('gateway_id', 'text', (c) => c.primaryKey())
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('ts', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('events')
        .addColumn('gateway_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull().unique())
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('camera_id', 'text')
        .addColumn('ts', 'text', (c) => c.notNull())
        .addColumn('historical', 'integer', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('events_pk', ['gateway_id', 'seq'])
        .execute();
      await db.schema
        .createTable('gateway_log')
        .addColumn('gateway_id', 'text', (c) => c.notNull())
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('gateway_log_at').on('gateway_log').columns(['gateway_id', 'at']).execute();
      await db.schema
        .createTable('camera_log')
        .addColumn('gateway_id', 'text', (c) => c.notNull())
        .addColumn('camera_id', 'text', (c) => c.notNull())
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('class', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('integrated', 'integer', (c) => c.notNull())
        .addColumn('cause', 'text')
        .addColumn('recording_status', 'text', (c) => c.notNull())
        .addColumn('removed', 'integer', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('camera_log_at')
        .on('camera_log')
        .columns(['gateway_id', 'camera_id', 'at'])
        .execute();
      await db.schema
        .createTable('day_figures')
        .addColumn('day', 'text', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('computed_at', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const t of [
        'day_figures',
        'camera_log',
        'gateway_log',
        'events',
        'summaries',
        'cameras',
        'gateways',
      ]) {
        await sql`drop table if exists ${sql.table(t)}`.execute(db);
      }
    },
  },
};
