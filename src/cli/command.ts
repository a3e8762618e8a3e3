import type { Writable } from 'node:stream';
import type { Clock } from '../shared/clock.js';
import type { Log } from '../shared/log.js';

export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: NodeJS.ProcessEnv;
  /** Colour and progress only on a terminal. */
  readonly isTty: boolean;
  /** Every command reads time and waits through this, never `systemClock` directly. */
  readonly clock: Clock;
  /** Set by bin/camgate.js: the daemon hands its log to the crash handlers (src/cli/main.ts). */
  readonly crash?: { useLog(log: Log): void };
}

/** What a caller of `main` hands in: the clock defaults to the system's (bin/camgate.js passes none). */
export type CliIoInput = Omit<CliIo, 'clock'> & { readonly clock?: Clock };

/** One `camgate <name>` subcommand. `run` returns the exit code (0 ok, 1 runtime, 2 usage/config). */
export interface CliCommand {
  readonly name: string;
  readonly usage: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}

export function writeJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
