import type { CliIo } from './command.js';

/**
 * One status line on stderr for long operations (discovery sweep, acceptance), redrawn in place.
 * Only on a terminal and never with --json: pipes, logs and scripts get clean output. The
 * elapsed time is shown so a technician can tell a slow sweep from a hung one.
 */
export interface Progress {
  update(text: string): void;
  done(): void;
}

const quiet: Progress = {
  update: () => undefined,
  done: () => undefined,
};

export function progressLine(
  io: Pick<CliIo, 'stderr' | 'isTty' | 'clock'>,
  enabled: boolean,
  now: () => number = () => io.clock.monotonic(),
): Progress {
  if (!io.isTty || !enabled) return quiet;
  const started = now();
  let shown = 0;
  const write = (s: string) => io.stderr.write(s);
  return {
    update(text) {
      const line = `${text} (${((now() - started) / 1000).toFixed(1)} s)`;
      // \r + pad over the previous line; no cursor codes beyond that, so any terminal copes.
      write(`\r${line.padEnd(shown)}`);
      shown = line.length;
    },
    done() {
      if (shown > 0) write(`\r${' '.repeat(shown)}\r`);
      shown = 0;
    },
  };
}
