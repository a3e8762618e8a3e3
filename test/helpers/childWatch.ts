import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

const DEFAULT_TAIL_LINES = 40;

/**
 * Watches a test's peer process (GStreamer's RTSP server, the site simulator): keeps the last
 * lines of its stderr in a bounded ring (still echoed, so a developer sees them live) and turns an
 * unexpected exit into an error carrying those lines. A test that waits on such a peer races its
 * wait against `whileAlive`, so a crashed peer fails the test at once with the peer's own words
 * (issue #11: a dead gst server showed up as a 30 s timeout with 200 "unreachable" samples).
 */
export class ChildWatch {
  /** Resolves when the process has exited, with how. Never rejects. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly tail: string[] = [];
  private expected = false;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

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
    if (child.stderr) {
      createInterface({ input: child.stderr }).on('line', (line) => {
        this.tail.push(line);
        if (this.tail.length > this.tailLines) this.tail.shift();
        process.stderr.write(`[${name}] ${line}\n`);
      });
    }
  }

  get running(): boolean {
    return this.exit === undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last stderr lines, oldest first. */
  stderrTail(): string[] {
    return [...this.tail];
  }

  /** Marks the coming exit as the test's own doing (kill, quit), so it is not reported as a death. */
  expectExit(): void {
    this.expected = true;
  }

  /** The death report if the process exited without the test asking it to; undefined otherwise. */
  deathMessage(): string | undefined {
    if (this.expected || this.exit === undefined) return undefined;
    const how = this.exit.signal ? `signal ${this.exit.signal}` : `code ${this.exit.code}`;
    const tail = this.tail.length > 0 ? this.tail.join('\n') : '(no stderr)';
    return `${this.name} (pid ${this.child.pid}) died with ${how}; its last stderr lines:\n${tail}`;
  }

  /** Throws the death report if the process died unexpectedly. */
  assertAlive(): void {
    const message = this.deathMessage();
    if (message) throw new Error(message);
  }

  /**
   * `work`, unless the process dies unexpectedly first: then rejects with the death report. The
   * stderr stream is drained before the report is built, so the last lines (an assertion) are in.
   */
  whileAlive<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      work.then(resolve, reject);
      void this.exited.then(async () => {
        await this.stderrDrained();
        const message = this.deathMessage();
        if (message) reject(new Error(message));
      });
    });
  }

  private stderrDrained(): Promise<void> {
    const stderr = this.child.stderr;
    if (!stderr || stderr.readableEnded || stderr.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      stderr.once('close', resolve);
      stderr.once('end', resolve);
    });
  }
}
