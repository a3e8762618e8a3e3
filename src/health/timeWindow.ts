import { UsageError } from '../shared/errors.js';

/**
 * `--since` / `?since=`: an ISO-8601 date or date-time. Date.parse alone accepts "May 1" and
 * similar locale forms, which would silently mean different instants on different boxes.
 * A date alone is UTC midnight; a date-time without an offset is the box's local time (ECMAScript).
 */
export function parseSince(text: string | null | undefined, name = '--since'): number | undefined {
  if (text === null || text === undefined || text === '') return undefined;
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(ms)) {
    throw new UsageError(
      `${name}: '${text}' is not an ISO-8601 date or time (e.g. 2026-05-01 or 2026-05-01T10:00:00Z)`,
    );
  }
  return ms;
}
