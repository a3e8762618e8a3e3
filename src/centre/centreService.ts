import type { Kysely } from 'kysely';
import type { Clock, TimerHandle } from '../shared/clock.js';
import type { Log } from '../shared/log.js';
import type { CentreConfig } from './config.js';
import { computeFigure, type FigureOptions } from './figures.js';
import { compact, recomputeDay } from './history.js';
import { Ingest } from './ingest.js';
import { LivePicture } from './livePicture.js';
import type { Figure } from './model.js';
import type { Registry } from './registry.js';
import { applyRetention, beforeHorizon } from './retention.js';
import { saveDay } from './store/dayFigures.js';
import { prunedBefore } from './store/prune.js';
import type { CentreDb } from './store/schema.js';

const MAX_FIGURE_AGE_MS = 5000;

interface CachedFigure {
  readonly figure: Figure;
  readonly json: string;
}

export interface CentreDeps {
  readonly config: Readonly<CentreConfig>;
  readonly registry: Registry;
  readonly db: Kysely<CentreDb>;
  readonly clock: Clock;
  readonly log: Log;
}

/**
 * The centre's moving parts: ingest from MQTT, and the daily snapshots (today every
 * `snapshotSeconds`; a day that closed, or that historical events reached, recomputed from the logs).
 */
export class CentreService {
  readonly ingest: Ingest;
  private timer: TimerHandle | undefined;
  private lastDay: string | undefined;
  /** The day retention last ran (once a day is enough: its horizon moves by whole days). */
  private retainedDay: string | undefined;
  private readonly dirty = new Set<string>();
  private work: Promise<void> = Promise.resolve();
  private readonly log: Log;
  private cached: { startedAt: number; version: number; promise: Promise<CachedFigure> } | undefined;
  private inFlight: Promise<CachedFigure> | undefined;
  /** How long the last figure took to read and compute (ms): `/api/stats` shows it. */
  lastFigureMs: number | null = null;
  /** Bumped by every committed batch: a cached figure of an older version is stale. */
  private version = 0;
  private readonly live: LivePicture;

  constructor(private readonly deps: CentreDeps) {
    this.live = new LivePicture(deps.db);
    this.log = deps.log.child({ module: 'centre' });
    this.ingest = new Ingest({
      config: deps.config,
      db: deps.db,
      clock: deps.clock,
      log: deps.log,
      onCommitted: (days, gatewayIds) => {
        this.live.touch(gatewayIds);
        this.version += 1;
        if (days.size === 0) return;
        for (const d of days) this.dirty.add(d);
        this.schedule();
      },
    });
  }

  get figureOptions(): FigureOptions {
    return { contractWarningDays: this.deps.config.figures.contractWarningDays };
  }

  nowIso(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }

  /**
   * The live figure, computed once per change and shared by every reader: at 7,000 sites a
   * computation reads 70,000 camera rows, so dashboards polling every 2 s must not each cost one.
   * Recomputed after each committed batch, and at least every few seconds (contract days, `at`).
   */
  figure(): Promise<Figure> {
    return this.cachedFigure().then((c) => c.figure);
  }

  /** The live figure serialised once, as the HTTP API sends it. */
  figureJson(): Promise<string> {
    return this.cachedFigure().then((c) => c.json);
  }

  /**
   * Single flight: at most one computation at a time (at 7,000 sites each reads 70,000 rows; two
   * at once only slow each other down). A reader during a computation gets its result, even if a
   * batch committed meanwhile: the dashboard polls again, and the next read starts a fresh one.
   */
  private cachedFigure(): Promise<CachedFigure> {
    const now = this.deps.clock.monotonic();
    const c = this.cached;
    if (c && c.version === this.version && now - c.startedAt < MAX_FIGURE_AGE_MS) return c.promise;
    if (this.inFlight) return this.inFlight;
    const version = this.version;
    const started = now;
    const promise = this.live.picture(this.nowIso()).then((picture) => {
      const figure = computeFigure(this.deps.registry, picture, this.figureOptions);
      return { figure, json: JSON.stringify(figure) };
    });
    this.inFlight = promise;
    promise.then(
      () => {
        this.cached = { startedAt: now, version, promise };
        this.inFlight = undefined;
        this.lastFigureMs = this.deps.clock.monotonic() - started;
      },
      // A failed computation is not kept: the next reader tries again (the caller sees the error).
      () => {
        this.inFlight = undefined;
      },
    );
    return promise;
  }

  async start(): Promise<void> {
    await this.ingest.start();
    this.timer = this.deps.clock.setInterval(
      () => this.schedule(),
      this.deps.config.figures.snapshotSeconds * 1000,
    );
    this.schedule();
  }

  /** Runs one snapshot round after the previous one (never two at once). */
  schedule(): Promise<void> {
    this.work = this.work.then(() =>
      this.snapshot().catch((err: unknown) => this.log.error({ err }, 'snapshot failed')),
    );
    return this.work;
  }

  private async snapshot(): Promise<void> {
    const now = this.nowIso();
    const today = now.slice(0, 10);
    if (this.lastDay !== undefined && this.lastDay !== today) this.dirty.add(this.lastDay);
    this.lastDay = today;
    const horizon = await prunedBefore(this.deps.db);
    for (const day of [...this.dirty].sort()) {
      this.dirty.delete(day);
      // A pruned day keeps its stored figure: its logs are no longer whole (store/prune.ts).
      if (day >= today || beforeHorizon(day, horizon)) continue;
      const d = await recomputeDay(this.deps.db, this.deps.registry, day, now, this.figureOptions);
      this.log.info({ day, pct: d.national.pct }, 'past day figure recomputed');
    }
    const f = await this.figure();
    await saveDay(this.deps.db, compact(today, f), now);
    if (this.retainedDay !== today) {
      await applyRetention(
        { ...this.deps, options: this.figureOptions, rawDays: this.deps.config.retention.rawDays },
        now,
      );
      this.retainedDay = today;
    }
  }

  async stop(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
    await this.ingest.stop();
    await this.work;
  }
}
