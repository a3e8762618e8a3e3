import type Database from 'better-sqlite3';
import type { Db } from './store.js';

/**
 * A repo's prepared statements by their SQL, each prepared once: repos on hot paths (a mass stall's
 * 1,024 transitions, the uplink outage on every link change and `camgate status`) paid for
 * `db.prepare` on every call (#14).
 */
export function statementCache(db: Db): (sql: string) => Database.Statement {
  const statements = new Map<string, Database.Statement>();
  return (sql) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
}
