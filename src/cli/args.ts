import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from '../shared/errors.js';

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
