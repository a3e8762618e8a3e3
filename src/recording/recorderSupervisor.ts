import fs from 'node:fs/promises';
import { Backoff, type BackoffOptions } from '../shared/backoff.js';
import type { Clock } from '../shared/clock.js';
import { errorMessage } from '../shared/errors.js';
import type { Log } from '../shared/log.js';
import type { FfmpegProgress } from '../streams/ffmpeg/progress.js';
import { type RecorderExit, RecorderRun } from '../streams/ffmpeg/recorder.js';
import { otherTransport, transportRefused } from '../streams/ffmpeg/rtspTransport.js';
import { reapLeftoverRecorder, removePidfile, writePidfile } from './recorderPidfile.js';

export interface SupervisorOptions {
  readonly cameraId: string;
  /** Resolved at each start so a rotated password is picked up; carries credentials, never logged. */
  readonly url: () => string;
  /**
   * RTP transport per start: the configured one, else what the stream monitor learnt; undefined
   * (auto, nothing learnt yet): TCP, and UDP after a run the camera refused TCP to (461).
   */
  readonly transport?: () => 'tcp' | 'udp' | undefined;
  readonly dir: string;
  readonly segmentSeconds: number;
  readonly ioTimeoutSeconds: number;
  /** No progress this long while running: kill and restart (a wedged ffmpeg never exits by itself). */
  readonly stallKillSeconds: number;
  readonly backoff: BackoffOptions;
  /** Runs shorter than this count towards the crash loop. */
  readonly healthyRunMs: number;
  /** Consecutive short runs before we give up for `crashLoopCooldownMs`. */
  readonly crashLoopLimit: number;
  readonly crashLoopCooldownMs: number;
  readonly ffmpegPath?: string;
}

export interface SupervisorDeps {
  readonly clock: Clock;
  readonly log: Log;
}

export interface RecorderState {
  readonly running: boolean;
  readonly pid?: number;
  readonly starts: number;
  readonly lastProgressAt?: number;
  readonly lastProgress?: FfmpegProgress;
  readonly lastExit?: RecorderExit;
  readonly crashLoop: boolean;
  readonly tail: readonly string[];
}

/**
 * Keeps one camera's ffmpeg recording: start, watch progress, restart with the shared jittered
 * backoff, stop restarting in a crash loop (cooldown, then try again). One loop per supervisor;
 * a generation counter makes a loop that outlived `stop()` exit instead of spawning.
 */
export class RecorderSupervisor {
  private generation = 0;
  private run: RecorderRun | undefined;
  private loop: Promise<void> | undefined;
  private starts = 0;
  private lastProgressAt: number | undefined;
  private lastProgress: FfmpegProgress | undefined;
  private lastFrame = -1;
  private lastExit: RecorderExit | undefined;
  private crashLoop = false;
  private readonly backoff: Backoff;
  private abort = new AbortController();
  /** auto with nothing learnt: flips after a run whose SETUP the camera refused. */
  private guessedTransport: 'tcp' | 'udp' = 'tcp';

  constructor(
    private readonly o: SupervisorOptions,
    private readonly deps: SupervisorDeps,
  ) {
    this.backoff = new Backoff(o.backoff);
  }

  state(): RecorderState {
    return {
      running: this.run !== undefined,
      pid: this.run?.pid,
      starts: this.starts,
      lastProgressAt: this.lastProgressAt,
      lastProgress: this.lastProgress,
      lastExit: this.lastExit,
      crashLoop: this.crashLoop,
      tail: this.run?.stderrTail ?? this.lastExit?.tail ?? [],
    };
  }

  start(): void {
    this.generation += 1;
    this.abort = new AbortController();
    this.loop = this.superviseLoop(this.generation);
  }

  async stop(): Promise<void> {
    this.generation += 1;
    this.abort.abort(new Error('recorder stopping'));
    await this.run?.stop();
    await this.loop;
  }

  /** Chaos and test hook: kill the running ffmpeg as a crash would. */
  killCurrent(signal: NodeJS.Signals = 'SIGKILL'): number | undefined {
    const pid = this.run?.pid;
    this.run?.kill(signal);
    return pid;
  }

  private async superviseLoop(gen: number): Promise<void> {
    let shortRuns = 0;
    while (gen === this.generation) {
      const startedAt = this.deps.clock.monotonic();
      const exit = await this.runOnce();
      if (gen !== this.generation || exit.requested) return;
      const ranMs = this.deps.clock.monotonic() - startedAt;
      shortRuns = ranMs < this.o.healthyRunMs ? shortRuns + 1 : 0;
      if (shortRuns === 0) this.backoff.reset();
      const log = this.deps.log;
      let delay = this.backoff.next();
      if (shortRuns >= this.o.crashLoopLimit) {
        this.crashLoop = true;
        delay = this.o.crashLoopCooldownMs;
        log.error({ shortRuns, cooldownMs: delay, tail: exit.tail }, 'recorder crash loop; pausing restarts');
        shortRuns = 0;
      } else {
        log.warn(
          {
            code: exit.code,
            signal: exit.signal,
            ranMs: Math.round(ranMs),
            delayMs: delay,
            reason: exit.message,
          },
          'recorder exited; restarting',
        );
      }
      if (!(await this.sleep(delay))) return;
    }
  }

  /** One ffmpeg run; never throws (a failure to even start is an exit like any other). */
  private async runOnce(): Promise<RecorderExit> {
    let url: string;
    try {
      await fs.mkdir(this.o.dir, { recursive: true });
      await reapLeftoverRecorder(this.o.dir, this.deps.log);
      // Resolved per start: a password file may be unreadable now and fixed later.
      url = this.o.url();
    } catch (err) {
      this.deps.log.warn({ err }, 'recorder cannot start');
      const message = `recorder cannot start: ${errorMessage(err)}`;
      this.lastExit = { code: null, signal: null, requested: false, message, tail: [] };
      return this.lastExit;
    }
    if (this.abort.signal.aborted) {
      // stop() arrived while we were preparing: spawning now would leave an ffmpeg nobody stops.
      return { code: null, signal: null, requested: true, message: 'stopped before start', tail: [] };
    }
    const run = new RecorderRun(
      {
        url,
        dir: this.o.dir,
        segmentSeconds: this.o.segmentSeconds,
        ioTimeoutSeconds: this.o.ioTimeoutSeconds,
        transport: this.o.transport?.() ?? this.guessedTransport,
      },
      { clock: this.deps.clock, ffmpegPath: this.o.ffmpegPath, onProgress: (p) => this.onProgress(p) },
    );
    this.run = run;
    this.starts += 1;
    // frame counts restart at 1 in a new process.
    this.lastFrame = -1;
    const runStartedAt = this.deps.clock.now();
    await run.start();
    const pid = run.pid;
    if (pid)
      await writePidfile(this.o.dir, pid).catch((err: unknown) =>
        this.deps.log.warn({ err }, 'pidfile not written'),
      );
    this.deps.log.info({ pid, starts: this.starts }, 'recorder started');
    const watchdog = this.deps.clock.setInterval(() => this.checkStall(run, runStartedAt), 1000);
    const exit = await run.closed;
    watchdog.cancel();
    await removePidfile(this.o.dir).catch((err: unknown) =>
      this.deps.log.warn({ err }, 'pidfile not removed'),
    );
    this.run = undefined;
    this.lastExit = exit;
    if (!exit.requested && exit.tail.some(transportRefused)) {
      this.guessedTransport = otherTransport(this.guessedTransport);
      this.deps.log.info(
        { next: this.guessedTransport },
        'camera refused the RTP transport; trying the other',
      );
    }
    return exit;
  }

  private onProgress(p: FfmpegProgress): void {
    this.lastProgress = p;
    if (p.frame > this.lastFrame && p.frame > 0) {
      this.lastProgressAt = this.deps.clock.now();
      this.crashLoop = false;
    }
    this.lastFrame = Math.max(this.lastFrame, p.frame);
  }

  /**
   * ffmpeg's -timeout covers a silent socket; this covers a socket that talks but carries no
   * frames. Before a run's first frame the allowance is longer: 64 ffmpegs starting together on a
   * loaded 2-core box took over 20 s to open their inputs, and killing them then only restarted
   * the same stampede (seen in bench/recording.ts).
   */
  private checkStall(run: RecorderRun, runStartedAt: number): void {
    const progressed = (this.lastProgressAt ?? 0) > runStartedAt;
    const ref = progressed ? (this.lastProgressAt ?? runStartedAt) : runStartedAt;
    const limitS = progressed ? this.o.stallKillSeconds : this.o.stallKillSeconds * 3;
    if (this.deps.clock.now() - ref <= limitS * 1000) return;
    this.deps.log.warn({ pid: run.pid, limitS, progressed }, 'recorder wedged; killing');
    run.kill('SIGKILL');
  }

  private async sleep(ms: number): Promise<boolean> {
    try {
      await this.deps.clock.sleep(ms, this.abort.signal);
      return true;
    } catch (err) {
      this.deps.log.debug({ err }, 'restart wait aborted');
      return false;
    }
  }
}
