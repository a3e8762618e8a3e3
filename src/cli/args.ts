import { createRequire } from 'node:module';
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from '../shared/errors.js';

// Required, not imported: on Node 22+ an ESM import of node:util builds its namespace from every
// export and loads worker_threads, the diff and colour helpers for it (~6 ms of `status`, #14).
const { parseArgs } = createRequire(import.meta.url)('node:util') as typeof import('node:util');

type Options = NonNullable<ParseArgsConfig['options']>;

/** `util.parseArgs` with our exit-2 error that names the argument. */
export function parseCommandArgs<O extends Options>(
  command: string,
  args: readonly string[],
  options: O,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals, strict: true });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new UsageError(`camgate ${command}: ${message}`);
  }
}
