import { systemClock } from '../shared/clock.js';
import { CamgateError, UsageError } from '../shared/errors.js';
import { redactText } from '../shared/redact.js';
import type { CliIo, CliIoInput } from './command.js';
import { commands } from './commands/index.js';

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'usage: camgate <command> [options]',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'exit codes: 0 ok, 1 runtime failure, 2 usage or configuration error',
  ].join('\n');
}

/** Entry point: returns the exit code; never lets an exception escape as a stack trace. */
export async function main(argv: readonly string[], input: CliIoInput): Promise<number> {
  const io: CliIo = { ...input, clock: input.clock ?? systemClock };
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${help()}\n`);
    return name ? 0 : 2;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.stderr.write(`camgate: unknown command '${name}'\n${help()}\n`);
    return 2;
  }
  try {
    const command = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(`usage: ${command.usage}\n`);
      return 0;
    }
    return await command.run(rest, io);
  } catch (err) {
    return reportError(err, io);
  }
}

function reportError(err: unknown, io: CliIo): number {
  if (err instanceof UsageError) {
    io.stderr.write(`${redactText(err.message)}\n`);
    return 2;
  }
  if (err instanceof CamgateError) {
    io.stderr.write(`camgate: ${redactText(err.message)} [${err.code}]\n`);
    return 1;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr.write(`camgate: unexpected error: ${redactText(message)}\n`);
  return 1;
}
