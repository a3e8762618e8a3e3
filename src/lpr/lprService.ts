import type { LprConfig } from '../config/lprSchema.js';
import { type Clock, isoTs } from '../shared/clock.js';
import type { CamgateEvents, EventBus } from '../shared/events.js';
import type { Log } from '../shared/log.js';
import type { Service } from '../shared/service.js';
import type { CameraRecord, LprStatus } from '../shared/types.js';
import type { LprRepo } from '../store/lprRepo.js';
import type { PendingWrites } from '../store/pendingWrites.js';
import { PlateTopics } from './plateTopics.js';
import { type EventSource, PullPointSession, type SessionReport } from './pullPointSession.js';
import {
  historyMs,
  keepFrom,
  periodStart,
  type ReadPeriod,
  type ReadRateRules,
  readRateVerdict,
} from './readRate.js';
import { addWatched } from './watchedTime.js';

/** The camera directory as this service reads it (app/cameraDirectory.ts, structurally). */
export interface LprCameras {
  all(): CameraRecord[];
  subscribe(
    listener: (change: { readonly type: 'set' | 'removed'; readonly camera: CameraRecord }) => void,
  ): () => void;
}

export interface LprServiceDeps {
  readonly clock: Clock;
  readonly log: Log;
  readonly bus: EventBus;
  readonly config: LprConfig;
  readonly repo: LprRepo;
  readonly writes?: PendingWrites;
  readonly cameras: LprCameras;
  /** An ONVIF event client for one camera (built in app/: credentials, bounded SOAP). */
  readonly eventsFor: (camera: CameraRecord) => EventSource;
}

interface Watched {
  readonly camera: CameraRecord;
  readonly abort: AbortController;
  run?: Promise<void>;
  /** Observed periods (start → reads), loaded from the store and kept in step with it. */
  readonly periods: Map<number, number>;
  session: 'connecting' | 'subscribed' | 'noTopic' | 'failed';
  topic: string | null;
  detail?: string;
  lastReadAt?: number;
  last?: CamgateEvents['lpr.status'];
  /** Since when (wall, monotonic) the subscription is known up and not yet counted as watched time. */
  upMark?: { wall: number; mono: number };
  /** Watched ms of periods not yet observed (the current one, mostly). */
  readonly watchedMs: Map<number, number>;
}

/**
 * The read rate of every LPR camera (class `lpr`): one PullPoint session each, reads counted per
 * period into the store, and the verdict of `readRate.ts` announced as `lpr.status` whenever it,
 * the topic or the last period's count changes. CameraStates turns `no_reads` into the camera's
 * `degraded` status; the uplink carries it.
 */
export class LprService implements Service {
  readonly name = 'lpr';
  private readonly watched = new Map<string, Watched>();
  private readonly rules: ReadRateRules;
  private readonly plates: PlateTopics;
  private readonly log: Log;
  private unsubscribe: (() => void) | undefined;
  private timer: { cancel(): void } | undefined;
  private lastPrune = 0;

  constructor(private readonly deps: LprServiceDeps) {
    const c = deps.config;
    this.rules = {
      periodMs: c.periodSeconds * 1000,
      periodsPerDay: c.periodsPerDay,
      learnDays: c.learnDays,
      minActiveDays: c.minActiveDays,
      noReadPeriods: c.noReadPeriods,
    };
    this.plates = PlateTopics.withExtra(c.extraTopics);
    this.log = deps.log.child({ module: 'lpr' });
  }

  async start(): Promise<void> {
    for (const camera of this.deps.cameras.all()) this.follow(camera);
    this.unsubscribe = this.deps.cameras.subscribe((change) =>
      change.type === 'removed' ? this.drop(change.camera.id) : this.follow(change.camera),
    );
    // A few looks per period: a period that just ended is judged within a quarter of one.
    const tickMs = Math.min(30_000, Math.max(250, this.rules.periodMs / 4));
    this.timer = this.deps.clock.setInterval(() => this.tick(), tickMs);
  }

  async stop(): Promise<void> {
    this.timer?.cancel();
    this.unsubscribe?.();
    await Promise.all([...this.watched.keys()].map((id) => this.drop(id)));
  }

  /** The latest `lpr.status` of a camera (tests; `why` reads the board row). */
  status(cameraId: string): CamgateEvents['lpr.status'] | undefined {
    return this.watched.get(cameraId)?.last;
  }

  private follow(camera: CameraRecord): void {
    const current = this.watched.get(camera.id);
    const wanted = camera.class === 'lpr';
    if (
      current &&
      (!wanted || current.camera.xaddr !== camera.xaddr || current.camera.address !== camera.address)
    ) {
      void this.drop(camera.id).then(() => this.follow(camera));
      return;
    }
    if (current || !wanted) return;
    const w: Watched = {
      camera,
      abort: new AbortController(),
      periods: this.load(camera.id),
      watchedMs: new Map(),
      session: 'connecting',
      topic: null,
    };
    this.watched.set(camera.id, w);
    if (!camera.xaddr) {
      w.session = 'noTopic';
      w.detail = 'no ONVIF device service known (plain RTSP camera): no event service to read plates from';
    } else {
      w.run = this.session(w, camera.xaddr).run(w.abort.signal);
    }
    this.judge(w);
  }

  private session(w: Watched, xaddr: string): PullPointSession {
    const c = this.deps.config;
    return new PullPointSession({
      clock: this.deps.clock,
      log: this.log.child({ cameraId: w.camera.id }),
      events: this.deps.eventsFor(w.camera),
      plates: this.plates,
      deviceXaddr: xaddr,
      tuning: {
        pullTimeoutSeconds: c.pullTimeoutSeconds,
        subscriptionSeconds: c.subscriptionSeconds,
        topicRecheckMs: c.topicRecheckSeconds * 1000,
        messageLimit: 100,
        retryInitialMs: 1000,
        retryMaxMs: 60_000,
      },
      report: (r) => this.onReport(w, r),
    });
  }

  private async drop(id: string): Promise<void> {
    const w = this.watched.get(id);
    if (!w) return;
    this.watched.delete(id);
    w.abort.abort();
    await w.run;
  }

  private onReport(w: Watched, r: SessionReport): void {
    if (!this.watched.has(w.camera.id)) return;
    if (r.type !== 'pulled') w.upMark = undefined;
    if (r.type === 'noTopic') {
      w.session = 'noTopic';
      w.topic = null;
      w.detail = `the event service lists ${r.topics} topic(s), none a licence-plate read (docs/lpr.md; add a vendor name to lpr.extraTopics)`;
    } else if (r.type === 'subscribed') {
      w.session = 'subscribed';
      w.topic = r.plateTopics[0] ?? null;
      w.detail = undefined;
      w.upMark = { wall: this.deps.clock.now(), mono: this.deps.clock.monotonic() };
    } else if (r.type === 'failed') {
      w.session = 'failed';
      w.detail = `${r.code}: ${r.message}`;
    } else {
      const now = this.deps.clock.now();
      this.watch(w, now);
      if (r.reads > 0) this.count(w, periodStart(now, this.rules), r.reads);
      if (r.reads > 0) w.lastReadAt = now;
      if (r.topic) w.topic = r.topic;
    }
    this.judge(w);
  }

  /**
   * A pull came back: the subscription was up since the last mark (watchedTime.ts). The span is
   * bounded by the monotonic clock, so a wall-clock step adds no watched time.
   */
  private watch(w: Watched, now: number): void {
    const mono = this.deps.clock.monotonic();
    const mark = w.upMark;
    w.upMark = { wall: now, mono };
    if (!mark || now <= mark.wall) return;
    const from = Math.max(mark.wall, now - (mono - mark.mono));
    for (const start of addWatched(w.watchedMs, from, now, this.rules))
      if (!w.periods.has(start)) this.count(w, start, 0);
  }

  /** The period is observed; its reads go to the store (a full disk drops them, the verdict goes on from memory). */
  private count(w: Watched, start: number, reads: number): void {
    const seen = w.periods.has(start);
    w.periods.set(start, (w.periods.get(start) ?? 0) + reads);
    if (seen && reads === 0) return;
    const write = (): void => this.deps.repo.add(w.camera.id, this.rules.periodMs, start, reads);
    try {
      if (this.deps.writes) this.deps.writes.run('detail', 'lpr reads', write);
      else write();
    } catch (err) {
      this.log.error({ err, cameraId: w.camera.id }, 'lpr: could not store the read count');
    }
  }

  private tick(): void {
    for (const w of this.watched.values()) this.judge(w);
    const now = this.deps.clock.now();
    if (now - this.lastPrune < this.rules.periodMs) return;
    this.lastPrune = now;
    // Kept well beyond the learning window, and never the last read with the hours learnt before
    // it (readRate.ts keepFrom): a camera silent for weeks still knows its hours and stays no_reads.
    // The store is pruned to the oldest any camera still needs.
    let oldest = now - 4 * historyMs(this.rules);
    for (const w of this.watched.values()) {
      const from = keepFrom(periodList(w.periods), now, this.rules);
      for (const s of w.periods.keys()) if (s < from) w.periods.delete(s);
      oldest = Math.min(oldest, from);
    }
    try {
      this.deps.repo.prune(oldest);
    } catch (err) {
      this.log.warn({ err }, 'lpr: could not prune old read counts');
    }
  }

  private judge(w: Watched): void {
    const now = this.deps.clock.now();
    const v = readRateVerdict(periodList(w.periods), now, this.rules);
    // After a restart only the period of the last read is known, not its minute.
    const lastRead = w.lastReadAt ?? v.lastReadPeriod;
    // A camera that stopped reading stays `no_reads` while its event service fails or reconnects
    // (the failure goes in `detail`): only a read ends it. Otherwise one pull timeout would clear
    // the alarm and send the centre an `lpr.reading` for a plate nobody read.
    const status: LprStatus =
      w.session === 'noTopic'
        ? 'no_topic'
        : v.status === 'no_reads'
          ? 'no_reads'
          : w.session === 'failed'
            ? 'error'
            : w.session === 'connecting'
              ? 'unknown'
              : v.status;
    const next: CamgateEvents['lpr.status'] = {
      cameraId: w.camera.id,
      status,
      readsLastHour: v.readsLastPeriod,
      topic: w.topic,
      silentPeriods: v.silentPeriods,
      lastReadAt: lastRead === undefined ? undefined : isoTs(lastRead),
      ...(status === 'no_reads' && v.noReadsSince !== undefined ? { since: v.noReadsSince } : {}),
      detail: w.detail,
      at: now,
    };
    const prev = w.last;
    w.last = next;
    if (
      prev &&
      prev.status === next.status &&
      prev.readsLastHour === next.readsLastHour &&
      prev.topic === next.topic &&
      prev.detail === next.detail
    )
      return;
    if (prev?.status !== next.status)
      this.log.info(
        { cameraId: w.camera.id, from: prev?.status, to: status, detail: w.detail },
        'lpr: read-rate status',
      );
    this.deps.bus.emit('lpr.status', next);
  }

  /** Everything stored for the camera: the store is pruned to what the verdict needs (tick). */
  private load(cameraId: string): Map<number, number> {
    try {
      return new Map(this.deps.repo.periods(cameraId, this.rules.periodMs, 0).map((p) => [p.start, p.reads]));
    } catch (err) {
      this.log.error({ err, cameraId }, 'lpr: could not read the stored read counts; starting afresh');
      return new Map();
    }
  }
}

function periodList(periods: ReadonlyMap<number, number>): ReadPeriod[] {
  return [...periods].map(([start, reads]) => ({ start, reads }));
}
