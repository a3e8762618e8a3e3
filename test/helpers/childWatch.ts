import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

const DEFAULT_TAIL_LINES = 40;
/** An exit the test asked for is no death: `died` then stays pending. */
const NEVER = new Promise<Error>(() => undefined);

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * Watches a test's peer process (GStreamer's RTSP server, the site simulator): keeps the last
 * lines of its stderr in a bounded ring (still echoed, so a developer sees them live) and turns an
 * unexpected exit into an error carrying those lines. A test that waits on such a peer races its
 * wait against `whileAlive` (or `died`), so a crashed peer fails the test at once with the peer's
 * own words (issue #11: a dead gst server showed up as a timeout with 200 "unreachable" samples).
 * The stderr must be piped (`stdio[2] = 'pipe'`) for the tail; without it the report says so.
 */
export class ChildWatch {
  /** Resolves when the process has exited, with how. Never rejects. */
  readonly exited: Promise<ChildExit>;
  /** Resolves with the death report if the process exits without the test asking; else never. */
  readonly died: Promise<Error>;
  private readonly tail: string[] = [];
  private readonly stderrClosed: Promise<void>;
  private expected = false;
  private exit: ChildExit | undefined;

  constructor(
    private readonly child: ChildProcess,
    private readonly name: string,
    private readonly tailLines = DEFAULT_TAIL_LINES,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
    const stderr = child.stderr;
    this.stderrClosed = stderr ? new Promise((resolve) => stderr.once('close', resolve)) : Promise.resolve();
    if (stderr) {
      createInterface({ input: stderr }).on('line', (line) => {
        this.tail.push(line);
        if (this.tail.length > this.tailLines) this.tail.shift();
        process.stderr.write(`[${name}] ${line}\n`);
      });
    }
    this.died = this.exited.then(async () => {
      // The last lines (an assertion, a stack) arrive just before or after the exit event.
      await this.stderrClosed;
      const message = this.deathMessage();
      return message ? new Error(message) : NEVER;
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exit === undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last stderr lines, oldest first. */
  stderrTail(): string[] {
    return [...this.tail];
  }

  /** The death report if the process exited without the test asking it to; undefined otherwise. */
  deathMessage(): string | undefined {
    if (this.expected || this.exit === undefined) return undefined;
    const how = this.exit.signal ? `signal ${this.exit.signal}` : `code ${this.exit.code}`;
    const tail = this.tail.length > 0 ? this.tail.join('\n') : '(no stderr)';
    return `${this.name} (pid ${this.child.pid}) died on its own with ${how}; its last stderr lines:\n${tail}`;
  }

  /** Throws the death report if the process died unexpectedly. */
  assertAlive(): void {
    const message = this.deathMessage();
    if (message) throw new Error(message);
  }

  /** `work`, unless the process dies unexpectedly first: then rejects with the death report. */
  whileAlive<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      work.then(resolve, reject);
      void this.died.then(reject);
    });
  }

  /** Ends the process by PID (an exit the test asked for, so not a death) and waits for it. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.running) {
      this.expected = true;
      this.child.kill(signal);
    }
    await this.exited;
  }

  /**
   * Test cleanup: kills the process if it still runs; if it had died on its own meanwhile, rejects
   * with the death report, so a crash the test's own assertions did not name is still reported.
   */
  async close(): Promise<void> {
    if (!this.running && this.exit !== undefined) await this.stderrClosed;
    const message = this.deathMessage();
    await this.kill();
    if (message) throw new Error(message);
  }
}
