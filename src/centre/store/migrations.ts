import { type CreateTableBuilder, type Kysely, type Migration, sql } from 'kysely';

/**
 * Numbered migrations, one list for both dialects (Kysely's schema builder writes each one's SQL).
 * Never edit a released migration's tables: add the next number. Tables are declared as column
 * lists: `cameras` and `camera_log` share the camera state's columns, declared once.
 */

/** NOT NULL unless marked 'null'; 'pk' and 'unique' are column constraints (as 0001 was first written). */
type Column = readonly [name: string, type: 'text' | 'integer', mark?: 'null' | 'pk' | 'unique'];

const CAMERA_STATE: readonly Column[] = [
  ['gateway_id', 'text'],
  ['camera_id', 'text'],
  ['site_id', 'text'],
  ['class', 'text'],
  ['status', 'text'],
  ['integrated', 'integer'],
  ['cause', 'text', 'null'],
  ['recording_status', 'text'],
];

type Builder = CreateTableBuilder<string, string>;

/** One table from its column list (NOT NULL unless marked), then its keys and constraints. */
async function createTable(
  db: Kysely<unknown>,
  name: string,
  columns: readonly Column[],
  finish: (t: Builder) => Builder = (t) => t,
): Promise<void> {
  let t: Builder = db.schema.createTable(name);
  for (const [column, type, mark] of columns)
    t = t.addColumn(column, type, (c) => {
      if (mark === 'null') return c;
      if (mark === 'pk') return c.primaryKey();
      return mark === 'unique' ? c.notNull().unique() : c.notNull();
    });
  await finish(t).execute();
}

/** A table-level primary key named `{table}_pk`. */
const pk =
  (table: string, ...columns: string[]) =>
  (t: Builder): Builder =>
    t.addPrimaryKeyConstraint(`${table}_pk`, columns);

const TABLES_0001 = [
  'day_figures',
  'camera_log',
  'gateway_log',
  'events',
  'summaries',
  'cameras',
  'gateways',
];

export const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>) {
      const times: Column[] = [
        ['since', 'text'],
        ['last_seen', 'text'],
        ['first_seen', 'text'],
      ];
      await createTable(db, 'gateways', [
        ['gateway_id', 'text', 'pk'],
        ['site_id', 'text'],
        ['state', 'text'],
        ['bd_seq', 'integer'],
        ['boot_id', 'text'],
        ['version', 'text'],
        ...times,
      ]);
      await createTable(
        db,
        'cameras',
        [...CAMERA_STATE, ['since', 'text'], ['ts', 'text'], ['payload', 'text']],
        pk('cameras', 'gateway_id', 'camera_id'),
      );
      await db.schema.createIndex('cameras_site').on('cameras').column('site_id').execute();
      await createTable(db, 'summaries', [
        ['gateway_id', 'text', 'pk'],
        ['site_id', 'text'],
        ['ts', 'text'],
        ['payload', 'text'],
      ]);
      await createTable(
        db,
        'events',
        [
          ['gateway_id', 'text'],
          ['seq', 'integer'],
          ['event_id', 'text', 'unique'],
          ['site_id', 'text'],
          ['type', 'text'],
          ['camera_id', 'text', 'null'],
          ['ts', 'text'],
          ['historical', 'integer'],
          ['payload', 'text'],
          ['received_at', 'text'],
        ],
        pk('events', 'gateway_id', 'seq'),
      );
      await createTable(db, 'gateway_log', [
        ['gateway_id', 'text'],
        ['site_id', 'text'],
        ['state', 'text'],
        ['at', 'text'],
      ]);
      await db.schema.createIndex('gateway_log_at').on('gateway_log').columns(['gateway_id', 'at']).execute();
      await createTable(db, 'camera_log', [
        ...CAMERA_STATE,
        ['removed', 'integer'],
        ['at', 'text'],
        ['source', 'text'],
      ]);
      await db.schema
        .createIndex('camera_log_at')
        .on('camera_log')
        .columns(['gateway_id', 'camera_id', 'at'])
        .execute();
      await createTable(db, 'day_figures', [
        ['day', 'text', 'pk'],
        ['at', 'text'],
        ['computed_at', 'text'],
        ['payload', 'text'],
      ]);
    },
    async down(db: Kysely<unknown>) {
      for (const t of TABLES_0001) await sql`drop table if exists ${sql.table(t)}`.execute(db);
    },
  },
  '0002_periods': {
    async up(db: Kysely<unknown>) {
      await createTable(
        db,
        'periods',
        [
          ['gateway_id', 'text'],
          ['seq', 'integer'],
          ['site_id', 'text'],
          ['camera_id', 'text', 'null'],
          ['kind', 'text'],
          ['from_at', 'text'],
          ['to_at', 'text'],
          ['down_ms', 'integer', 'null'],
          ['detail', 'text', 'null'],
        ],
        pk('periods', 'gateway_id', 'seq'),
      );
      await db.schema.createIndex('periods_span').on('periods').columns(['from_at', 'to_at']).execute();
    },
    async down(db: Kysely<unknown>) {
      await sql`drop table if exists periods`.execute(db);
    },
  },
  '0003_meta': {
    async up(db: Kysely<unknown>) {
      await createTable(db, 'meta', [
        ['key', 'text', 'pk'],
        ['value', 'text'],
      ]);
    },
    async down(db: Kysely<unknown>) {
      await sql`drop table if exists meta`.execute(db);
    },
  },
};
