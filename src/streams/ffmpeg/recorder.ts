import { ChildProcess } from 'node:child_process';
import ffmpeg from 'fluent-ffmpeg';
import type { Clock, TimerHandle } from '../../shared/clock.js';
import { redactText } from '../../shared/redact.js';
import { type FfmpegProgress, ProgressParser } from './progress.js';
import { type RecorderArgsOptions, recorderArgs } from './recorderArgs.js';
import { StderrTail } from './recorderTail.js';

/** Why one ffmpeg run ended; the supervisor decides what to do with it. */
export interface RecorderExit {
  readonly code: number | null;
  readonly signal: string | null;
  /** true when we asked it to stop. */
  readonly requested: boolean;
  readonly message: string;
  /** Last stderr lines, redacted. */
  readonly tail: readonly string[];
}

export interface RecorderRunDeps {
  readonly clock: Clock;
  readonly ffmpegPath?: string;
  /** How long SIGTERM may take before SIGKILL. */
  readonly killGraceMs?: number;
  readonly onProgress?: (p: FfmpegProgress) => void;
}

/**
 * One ffmpeg recording process (fluent-ffmpeg stays inside `streams/ffmpeg/` so it can be
 * swapped: the project is archived upstream). A run is not restarted; the supervisor makes a new one.
 */
export class RecorderRun {
  readonly closed: Promise<RecorderExit>;
  private readonly tail = new StderrTail(20);
  private readonly command: ffmpeg.FfmpegCommand;
  private child: ChildProcess | undefined;
  private stopRequested = false;
  private killTimer: TimerHandle | undefined;
  private resolveClosed: (exit: RecorderExit) => void = () => undefined;

  constructor(
    options: RecorderArgsOptions,
    private readonly deps: RecorderRunDeps,
  ) {
    const args = recorderArgs(options);
    // stdoutLines caps fluent-ffmpeg's own stdout/stderr rings (0 would mean unbounded).
    const command = ffmpeg({ stdoutLines: 20 })
      .input(args.input)
      .inputOptions([...args.inputOptions])
      .outputOptions([...args.outputOptions])
      .output(args.output);
    if (deps.ffmpegPath) command.setFfmpegPath(deps.ffmpegPath);
    this.command = command;
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get stderrTail(): readonly string[] {
    return this.tail.lines();
  }

  /** Spawns ffmpeg; resolves once the process exists (or the run already ended). */
  start(): Promise<void> {
    const parser = new ProgressParser();
    return new Promise((resolve) => {
      const cmd = this.command;
      cmd.on('start', () => {
        this.child = childOf(cmd);
        this.child?.stdout?.setEncoding('utf8');
        this.child?.stdout?.on('data', (chunk: string) => {
          for (const p of parser.push(chunk)) this.deps.onProgress?.(p);
        });
        if (this.stopRequested) this.signal('SIGTERM');
        resolve();
      });
      cmd.on('stderr', (line: string) => this.tail.push(line));
      cmd.on('error', (err: Error) => {
        this.finish(err.message);
        resolve();
      });
      cmd.on('end', () => {
        this.finish('ffmpeg exited');
        resolve();
      });
      cmd.run();
    });
  }

  /** SIGTERM (ffmpeg closes the current segment cleanly), SIGKILL after the grace period. */
  async stop(): Promise<RecorderExit> {
    this.stopRequested = true;
    this.signal('SIGTERM');
    this.killTimer = this.deps.clock.setTimeout(() => this.signal('SIGKILL'), this.deps.killGraceMs ?? 3000);
    const exit = await this.closed;
    this.killTimer.cancel();
    return exit;
  }

  /** Test and chaos hook: what a crash or an OOM kill looks like to the supervisor. */
  kill(signal: NodeJS.Signals): void {
    this.signal(signal);
  }

  private signal(signal: NodeJS.Signals): void {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
  }

  private finish(message: string): void {
    this.killTimer?.cancel();
    const child = this.child;
    this.resolveClosed({
      code: child?.exitCode ?? null,
      signal: child?.signalCode ?? null,
      requested: this.stopRequested,
      message: redactText(message),
      tail: this.tail.lines(),
    });
  }
}

/**
 * fluent-ffmpeg keeps the spawned process on the command as `ffmpegProc` (set just before
 * 'start') without typing it; we need it for stdout (progress) and for signals by PID.
 */
function childOf(command: object): ChildProcess | undefined {
  const proc: unknown = Reflect.get(command, 'ffmpegProc');
  return proc instanceof ChildProcess ? proc : undefined;
}
