import { createRequire } from 'node:module';
import { systemClock } from '../shared/clock.js';
import { CamgateError, UsageError } from '../shared/errors.js';
import type { Log } from '../shared/log.js';
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

/** The part of `process` the crash handlers use (a test passes its own). */
export interface CrashTarget {
  on(event: 'uncaughtException', fn: (err: unknown) => void): unknown;
  on(event: 'unhandledRejection', fn: (reason: unknown) => void): unknown;
  exit(code: number): never;
}

// pino is loaded only by commands that log (the daemon): `status` must not pay for it (#14).
const requireCjs = createRequire(import.meta.url);

/** Exit code of a crash: the runtime-failure code, so systemd's Restart=on-failure restarts us. */
export const CRASH_EXIT_CODE = 1;

/**
 * Last line of defence for every command. Node's default prints the raw stack (which may quote an
 * `rtsp://user:pass@` URL) and, for a rejection handled by nobody, keeps no record of which
 * promise it was; a daemon that caught and ignored it would run on half-alive. Both are logged
 * redacted (through the daemon's log once `useLog` is called) and the process exits at once:
 * after an unknown failure no state can be trusted, and systemd starts a clean one.
 */
export function installCrashHandlers(
  target: CrashTarget,
  stderr: NodeJS.WritableStream,
): {
  useLog(log: Log): void;
} {
  let log: Log | undefined;
  let streamSym: symbol | undefined;
  let crashing = false;
  const crash = (kind: 'uncaughtException' | 'unhandledRejection', err: unknown): void => {
    if (crashing) return;
    crashing = true;
    try {
      if (log) {
        log.fatal({ err, kind }, `${kind}: exiting for a clean restart`);
        flushSync(log, streamSym);
      } else {
        const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
        stderr.write(`camgate: fatal ${kind}: ${redactText(text)}\n`);
      }
    } finally {
      target.exit(CRASH_EXIT_CODE);
    }
  };
  target.on('uncaughtException', (err) => crash('uncaughtException', err));
  target.on('unhandledRejection', (reason) => crash('unhandledRejection', reason));
  return {
    useLog(l) {
      log = l;
      // The caller built `l` with pino, so this is its cached module: nothing loads at crash time.
      streamSym = (requireCjs('pino') as typeof import('pino')).pino.symbols.streamSym;
    },
  };
}

/** pino writes asynchronously; the fatal line must be on disk before exit() drops the buffer. */
function flushSync(log: Log, streamSym: symbol | undefined): void {
  if (streamSym === undefined) return;
  const stream = (log as unknown as Record<symbol, unknown>)[streamSym] as
    | { flushSync?: () => void }
    | undefined;
  try {
    stream?.flushSync?.();
  } catch (err) {
    // Not ready (no fd yet) or already closed: nothing more can be written; exit regardless.
    process.stderr.write(`camgate: could not flush the log: ${redactText(String(err))}\n`);
  }
}
