import type { BackoffOptions } from '../shared/backoff.js';
import { type Clock, isoTs, type TimerHandle } from '../shared/clock.js';
import type { EventBus } from '../shared/events.js';
import type { Log } from '../shared/log.js';
import type { Service } from '../shared/service.js';
import type { RecordingStatus } from '../shared/types.js';
import { warmRecorderCapabilities } from '../streams/ffmpeg/recorderCapabilities.js';
import type { SegmentFacts } from '../streams/ffmpeg/recorderProbe.js';
import { buildCameraWatch } from './buildCameraWatch.js';
import type { CameraPlan, CameraWatch } from './cameraWatch.js';
import type { DiskProbe } from './diskSpace.js';
import { judgeRecording, type RuleVerdict, type StaleCause } from './recordingRule.js';
import { type CameraRecordingView, recordingView } from './recordingView.js';
import type { StorageAlarm } from './storageAlarms.js';
import { StorageGuard, type StorageReport } from './storageGuard.js';

export type { CameraRecordingView } from './recordingView.js';

/** Where recording gaps go (the outages table, via the wiring). */
export interface GapSink {
  open(cameraId: string, cause: StaleCause, startedAtMs: number): void;
  close(cameraId: string, endedAtMs: number, reason: 'restored' | 'removed'): void;
}

export interface RecordingServiceOptions {
  readonly dir: string;
  readonly segmentSeconds: number;
  readonly retentionDays: number;
  readonly minFreePercent: number;
  readonly stallSeconds: number;
  readonly databaseDir?: string;
  /** Storage alarms active when the previous daemon stopped (see StorageGuardOptions.carried). */
  readonly carriedAlarms?: readonly StorageAlarm[];
  /**
   * The configuration has our ffmpeg record (ownRecordingWanted): recording.dir is guarded from
   * the start, before any such camera is found. Otherwise only once an 'own' camera is added.
   */
  readonly ownRecording?: boolean;
  readonly tickMs?: number;
  readonly retentionIntervalMs?: number;
  readonly externalPollMs?: number;
  /** How long one check waits, once, for the edge polls it started before judging edge cameras. */
  readonly edgeWaitMs?: number;
  readonly sanityEvery?: number;
  readonly ffmpegPath?: string;
  readonly backoff?: BackoffOptions;
  readonly crashLoopLimit?: number;
  readonly crashLoopCooldownMs?: number;
  readonly stallKillSeconds?: number;
}

export interface RecordingServiceDeps {
  readonly clock: Clock;
  readonly log: Log;
  readonly bus: EventBus;
  readonly gaps: GapSink;
  readonly probe?: (file: string) => Promise<SegmentFacts>;
  /** The recordings' filesystem (tests fake it); the real one by default. */
  readonly disk?: DiskProbe;
}

/**
 * Records (own ffmpeg per camera) and verifies recording from all three sources with one rule,
 * emits `recording.status` on every change, opens/closes recording gaps, and runs storage.
 */
export class RecordingService implements Service {
  readonly name = 'recording';
  private readonly watches = new Map<string, CameraWatch>();
  private readonly verdicts = new Map<string, RuleVerdict>();
  private readonly storage: StorageGuard;
  private timers: TimerHandle[] = [];
  private ticking = false;
  private storing = false;
  private readonly abort = new AbortController();
  private started = false;
  private sharedChecked = false;

  constructor(
    plans: readonly CameraPlan[],
    private readonly o: RecordingServiceOptions,
    private readonly deps: RecordingServiceDeps,
  ) {
    for (const plan of plans) this.watches.set(plan.cameraId, this.buildWatch(plan));
    this.storage = new StorageGuard(
      {
        dir: o.dir,
        retentionDays: o.retentionDays,
        minFreePercent: o.minFreePercent,
        databaseDir: o.databaseDir,
        carried: o.carriedAlarms,
      },
      {
        clock: deps.clock,
        log: deps.log.child({ part: 'storage' }),
        onAlarm: (change) => deps.bus.emit('recording.alarm', change),
        disk: deps.disk,
      },
    );
  }

  async start(): Promise<void> {
    await this.checkSharedFilesystemOnce();
    await this.warmUp();
    this.started = true;
    for (const w of this.watches.values()) this.begin(w);
    const { clock } = this.deps;
    this.timers.push(
      clock.setInterval(() => this.background(this.tick(), 'recording check'), this.o.tickMs ?? 2000),
    );
    const storage = (): void => this.background(this.runStorage(), 'storage check');
    this.timers.push(clock.setInterval(storage, this.o.retentionIntervalMs ?? 30_000));
    storage();
  }

  /** A timer-driven pass that fails is logged and tried again next time; it never becomes an unhandled rejection. */
  private background(work: Promise<unknown>, what: string): void {
    work.catch((err: unknown) => this.deps.log.error({ err }, `${what} failed; retried on the next pass`));
  }

  private async warmUp(): Promise<void> {
    if (![...this.watches.values()].some((w) => w.supervisor)) return;
    try {
      await warmRecorderCapabilities(this.o.ffmpegPath);
    } catch (err) {
      // Recorders will fail and be supervised (status stale, tail kept); the daemon keeps running.
      this.deps.log.error({ err }, 'ffmpeg capability check failed');
    }
  }

  /** A camera joined the inventory (or its profile changed): (re)start its recording. */
  async addCamera(plan: CameraPlan): Promise<void> {
    const current = this.watches.get(plan.cameraId)?.plan;
    // Inventory updates arrive every sweep (lastSeenAt); restart only when the recording changes.
    if (current && plan.key !== undefined && current.key === plan.key) return;
    await this.removeCamera(plan.cameraId, false);
    const w = this.buildWatch(plan);
    this.watches.set(plan.cameraId, w);
    if (!this.started) return;
    this.begin(w);
    // The first camera we record ourselves makes the recording disk ours to guard.
    await this.checkSharedFilesystemOnce();
  }

  /** A camera left the inventory: stop its recorder; an open gap ends as 'removed'. */
  async removeCamera(cameraId: string, closeGap = true): Promise<void> {
    const w = this.watches.get(cameraId);
    if (!w) return;
    this.watches.delete(cameraId);
    this.verdicts.delete(cameraId);
    await w.supervisor?.stop();
    if (closeGap) this.deps.gaps.close(cameraId, this.deps.clock.now(), 'removed');
  }

  async stop(): Promise<void> {
    this.started = false;
    this.abort.abort(new Error('recording stopping'));
    for (const t of this.timers) t.cancel();
    this.timers = [];
    await Promise.all([...this.watches.values()].map((w) => w.supervisor?.stop()));
  }

  /** Test and chaos hook: kill one camera's ffmpeg as a crash would; returns its PID. */
  killRecorder(cameraId: string, signal: NodeJS.Signals = 'SIGKILL'): number | undefined {
    return this.watches.get(cameraId)?.supervisor?.killCurrent(signal);
  }

  recorderPids(): number[] {
    return [...this.watches.values()].flatMap((w) => w.recorder()?.pid ?? []);
  }

  storageReport(): StorageReport {
    return this.storage.report();
  }

  camera(cameraId: string): CameraRecordingView | undefined {
    const w = this.watches.get(cameraId);
    return w ? this.view(w) : undefined;
  }

  cameras(): CameraRecordingView[] {
    return [...this.watches.values()].map((w) => this.view(w));
  }

  /** One verification pass over every camera; never overlaps itself. */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const watches = [...this.watches.values()];
      // Every due edge poll goes out now and they are awaited once, together and bounded: N slow
      // cameras cost one wait, not N, and own/external verdicts (no camera asked) come first.
      const polls = watches.flatMap((w) => w.pollEdgeIfDue(this.abort.signal) ?? []);
      for (const w of watches) if (w.plan.source !== 'edge') await this.check(w);
      if (polls.length > 0) await this.settleWithin(Promise.all(polls), this.o.edgeWaitMs ?? 1000);
      for (const w of watches) if (w.plan.source === 'edge') await this.check(w);
    } finally {
      this.ticking = false;
    }
  }

  private async check(w: CameraWatch): Promise<void> {
    try {
      const evidence = await w.observe(this.abort.signal);
      // Removed or replaced while we looked: its verdict is no longer anyone's.
      if (this.watches.get(w.plan.cameraId) !== w) return;
      this.publish(w, judgeRecording(evidence, this.deps.clock.now(), this.ruleOptions()));
    } catch (err) {
      this.deps.log.warn({ err, cameraId: w.plan.cameraId }, 'recording check failed');
    }
  }

  private async settleWithin(work: Promise<unknown>, ms: number): Promise<void> {
    let timer: TimerHandle | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = this.deps.clock.setTimeout(resolve, ms);
    });
    await Promise.race([work, waited]);
    timer?.cancel();
  }

  /**
   * Edge and external video lives on disks camgate never writes: recording.dir is ours to guard
   * (database sharing it, retention, disk alarms) only when our own ffmpeg records there.
   */
  private guardsDisk(): boolean {
    return this.o.ownRecording === true || [...this.watches.values()].some((w) => w.plan.source === 'own');
  }

  private async checkSharedFilesystemOnce(): Promise<void> {
    if (this.sharedChecked || !this.guardsDisk()) return;
    this.sharedChecked = true;
    await this.storage.checkSharedFilesystem();
  }

  async runStorage(): Promise<StorageReport> {
    if (this.storing) return this.storage.report();
    this.storing = true;
    try {
      return await this.storage.run([...this.watches.values()], this.guardsDisk());
    } finally {
      this.storing = false;
    }
  }

  private publish(w: CameraWatch, verdict: RuleVerdict): void {
    const id = w.plan.cameraId;
    const prev = this.verdicts.get(id);
    this.verdicts.set(id, verdict);
    if (prev?.status === verdict.status) return;
    const now = this.deps.clock.now();
    this.recordGap(w, verdict, prev?.status, now);
    const last = w.lastSegmentAt();
    this.deps.bus.emit('recording.status', {
      cameraId: id,
      status: verdict.status,
      lastSegmentAt: last === undefined ? undefined : isoTs(last),
      detail: verdict.detail,
      at: now,
    });
  }

  /** A failing store must not swallow the status event, so the gap write is isolated. */
  private recordGap(
    w: CameraWatch,
    verdict: RuleVerdict,
    prev: RecordingStatus | undefined,
    now: number,
  ): void {
    const id = w.plan.cameraId;
    const log = this.deps.log.child({ cameraId: id });
    try {
      if (verdict.status === 'stale' && verdict.cause) {
        // The gap began at the last sign of recording, which may precede this daemon's start.
        const seen = Math.max(w.lastSegmentAt() ?? 0, w.recorder()?.lastProgressAt ?? 0);
        this.deps.gaps.open(id, verdict.cause, seen > 0 ? seen : w.watchingSince);
        log.warn({ cause: verdict.cause, detail: verdict.detail }, 'recording stale');
      } else if (verdict.status === 'ok') {
        if (prev === 'stale') log.info('recording restored');
        this.deps.gaps.close(id, now, 'restored');
      }
    } catch (err) {
      log.error({ err }, 'recording gap not stored');
    }
  }

  private begin(w: CameraWatch): void {
    w.supervisor?.start();
    const first = judgeRecording(
      { source: w.plan.source, watchingSince: w.watchingSince },
      this.deps.clock.now(),
      this.ruleOptions(),
    );
    this.publish(w, first);
  }

  private view(w: CameraWatch): CameraRecordingView {
    return recordingView(w, this.verdicts.get(w.plan.cameraId));
  }

  private ruleOptions() {
    return { segmentSeconds: this.o.segmentSeconds, stallSeconds: this.o.stallSeconds };
  }

  private buildWatch(plan: CameraPlan): CameraWatch {
    return buildCameraWatch(plan, this.o, this.deps);
  }
}
