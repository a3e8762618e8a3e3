import { setMaxListeners } from 'node:events';
import { configEntryFor } from '../config/cameraEntry.js';
import type { Config } from '../config/schema.js';
import { type Clock, isoTs, type TimerHandle } from '../shared/clock.js';
import { errorMessage } from '../shared/errors.js';
import type { EventBus } from '../shared/events.js';
import type { Log } from '../shared/log.js';
import type { Net } from '../shared/net.js';
import type { Service } from '../shared/service.js';
import type { CameraRecord } from '../shared/types.js';
import { type DiscoveryRun, discover, interrogateTargets } from './discover.js';
import { DriftReport } from './driftReport.js';
import { HelloIntake } from './helloIntake.js';
import { HelloListener } from './helloListener.js';
import { probeInterfaces } from './interfaces.js';
import type { DiscoveredTarget, Interrogation } from './interrogate.js';
import { type ClassCounts, classCounts, reconcile, type StoredCamera } from './inventory.js';
import { CapTracker, capInventory } from './inventoryCap.js';
import { type SweepSummary, sweepSummary } from './sweepSummary.js';

/** Where the inventory lives; `store/inventoryRepo.ts` implements it (discovery never sees SQL). */
export interface InventoryStore {
  all(): StoredCamera[];
  saveAll(cameras: readonly StoredCamera[], nowIso: string): void;
  /** Forgets cameras removed before this time; returns how many. */
  pruneRemoved?(beforeIso: string): number;
}

export interface DiscoveryServiceDeps {
  readonly clock: Clock;
  readonly net: Net;
  readonly log: Log;
  readonly bus: EventBus;
  readonly config: Readonly<Config>;
  readonly inventory: InventoryStore;
  /** Injected so tests can replace the network part; defaults to `discover`. */
  readonly run?: (targets?: readonly DiscoveredTarget[]) => Promise<DiscoveryRun>;
}

/**
 * After a sweep that found nothing (a site powering up: the NVR boots before the switch and the
 * cameras), sweep again after this, doubling, until the regular interval is sooner.
 */
export const EMPTY_SWEEP_RETRY_MS = 10_000;

/**
 * Periodic rediscovery (every `discovery.intervalSeconds`), Hello-triggered interrogation between
 * sweeps, and the persisted inventory. Emits `inventory.changed` and `camera.clockDrift`.
 */
export class DiscoveryService implements Service {
  readonly name = 'discovery';
  private timer: TimerHandle | undefined;
  private retry: TimerHandle | undefined;
  private retryDelayMs = EMPTY_SWEEP_RETRY_MS;
  private readonly drift: DriftReport;
  private listener: HelloListener | undefined;
  private running: Promise<SweepSummary> | undefined;
  private last: SweepSummary | undefined;
  private lastError: string | undefined;
  private readonly abort = new AbortController();
  /** Whether the persisted inventory has been announced since this process started. */
  private announced = false;
  private readonly hellos: HelloIntake;
  private readonly cap: CapTracker;

  constructor(private readonly deps: DiscoveryServiceDeps) {
    this.cap = new CapTracker(deps.config.discovery.maxCameras);
    this.drift = new DriftReport((d) => deps.bus.emit('camera.clockDrift', d));
    this.hellos = new HelloIntake({
      ...deps,
      inventory: () => this.inventory(),
      sweeping: () => this.running !== undefined,
      interrogate: (target) => this.interrogateOne(target),
    });
    // Every request of a sweep (up to 128 hosts in flight, 64 interrogations) listens on this one
    // signal: that is the design, not a leak, so Node's default warning at 11 would only mislead.
    setMaxListeners(1000, this.abort.signal);
  }

  async start(signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => this.abort.abort(signal.reason), { once: true });
    const d = this.deps.config.discovery;
    this.listener = new HelloListener(
      this.deps,
      { interfaces: d.multicast ? probeInterfaces(this.deps.net, d.interfaces) : [], ranges: d.ranges },
      {
        hello: (t) =>
          void this.hellos
            .onHello(t)
            .catch((err: unknown) =>
              this.deps.log.warn({ err, address: t.address }, 'Hello handling failed'),
            ),
        bye: (epr, from) => this.deps.log.info({ endpointRef: epr, from }, 'WS-Discovery Bye'),
      },
    );
    try {
      await this.listener.start();
    } catch (err) {
      this.deps.log.warn(
        { err: errorMessage(err) },
        'Hello listener unavailable; relying on periodic sweeps',
      );
    }
    // The first sweep runs in the background: the daemon is usable with the persisted inventory meanwhile.
    this.background();
    this.timer = this.deps.clock.setInterval(() => this.background(), d.intervalSeconds * 1000);
  }

  async stop(): Promise<void> {
    this.timer?.cancel();
    this.retry?.cancel();
    this.abort.abort(new Error('discovery stopping'));
    await this.listener?.stop();
    await this.running?.catch((err: unknown) => this.deps.log.debug({ err }, 'sweep ended by stop'));
  }

  inventory(): CameraRecord[] {
    return this.deps.inventory
      .all()
      .filter((c) => !c.removed)
      .map((c) => c.record);
  }

  counts(): ClassCounts {
    return classCounts(this.inventory(), this.deps.config.site.planned);
  }

  status(): Record<string, unknown> {
    const cameras = this.inventory();
    return {
      sweeping: this.running !== undefined,
      lastSweep: this.last ?? null,
      lastError: this.lastError ?? null,
      byClass: this.counts(),
      problems: cameras.filter((c) => c.problem).map((c) => ({ id: c.id, address: c.address, ...c.problem })),
      hellos: { ...this.hellos.verdicts(), droppedBeforeParse: this.listener?.dropped ?? 0 },
      maxCameras: this.deps.config.discovery.maxCameras,
      capReached: cameras.length >= this.deps.config.discovery.maxCameras,
      capIgnored: this.cap.state().ignored,
      hellosIgnoredAtCap: this.hellos.ignoredAtCap(),
    };
  }

  private background(): void {
    // runDiscovery has logged the failure and kept it for status(); a retry or the next interval follows.
    this.rediscover().then(
      (s) => this.afterSweep(s.found === 0 && this.inventory().length === 0),
      (err: unknown) => {
        this.deps.log.debug({ err }, 'background sweep failed');
        this.afterSweep(this.inventory().length === 0);
      },
    );
  }

  /**
   * A site with no camera yet (powering up) is swept again soon (10 s, 20 s, 40 s, ...) rather than
   * one interval later. Not a site that had cameras: there an empty sweep is an outage, and quick
   * retries would count as missed sweeps and remove every camera within a minute.
   */
  private afterSweep(empty: boolean): void {
    this.retry?.cancel();
    this.retry = undefined;
    if (!empty) {
      this.retryDelayMs = EMPTY_SWEEP_RETRY_MS;
      return;
    }
    if (this.abort.signal.aborted || this.retryDelayMs >= this.deps.config.discovery.intervalSeconds * 1000)
      return;
    this.deps.log.info({ inMs: this.retryDelayMs }, 'sweep found no camera; sweeping again soon');
    this.retry = this.deps.clock.setTimeout(() => this.background(), this.retryDelayMs);
    this.retryDelayMs *= 2;
  }

  /** One sweep now; a call while a sweep runs joins it. */
  rediscover(): Promise<SweepSummary> {
    if (!this.running) {
      this.running = this.sweep().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  /**
   * Streams, health and uplink learn the inventory from events only; after a restart the cameras
   * persisted from the last run are announced once, after every module has started.
   */
  private announcePersisted(cameras: readonly StoredCamera[], alreadyTold: ReadonlySet<string>): void {
    if (this.announced) return;
    this.announced = true;
    const at = this.deps.clock.now();
    for (const c of cameras) {
      if (!c.removed && !alreadyTold.has(c.record.id)) {
        this.deps.bus.emit('inventory.changed', { type: 'camera.updated', camera: c.record, at });
      }
    }
  }

  private async sweep(): Promise<SweepSummary> {
    let run: DiscoveryRun;
    try {
      run = await this.runDiscovery();
    } catch (err) {
      this.announcePersisted(this.deps.inventory.all(), new Set());
      throw err;
    }
    const summary = this.apply(run.results, false, run.durationMs);
    this.last = summary;
    this.deps.log.info(summary, 'discovery sweep applied');
    return summary;
  }

  private async runDiscovery(targets?: readonly DiscoveredTarget[]): Promise<DiscoveryRun> {
    try {
      const c = this.deps.config;
      const run =
        this.deps.run?.(targets) ??
        discover(this.deps, {
          discovery: c.discovery,
          cameras: c.cameras,
          credentials: c.credentials,
          signal: this.abort.signal,
        });
      const result = await run;
      this.lastError = undefined;
      return result;
    } catch (err) {
      this.lastError = errorMessage(err);
      this.deps.log.error({ err }, 'discovery sweep failed');
      throw err;
    }
  }

  /** A new device's Hello, admitted by `HelloIntake`: interrogated and applied as a partial sweep. */
  private async interrogateOne(target: DiscoveredTarget): Promise<void> {
    const c = this.deps.config;
    const results = await interrogateTargets(this.deps, [target], {
      discovery: c.discovery,
      cameras: c.cameras,
      credentials: c.credentials,
      signal: this.abort.signal,
    });
    this.apply(results, true, 0);
  }

  /** `discovery.cap` when the cap is crossed (either way) or more devices were left out. */
  private reportCap(active: number, ignored: readonly string[], now: number): void {
    const { changed, edge, state } = this.cap.update(active, ignored);
    // Every sweep of a site over the cap leaves the same devices out: news only when the count grows.
    if (ignored.length > 0 && changed)
      this.deps.log.warn({ ...state, left: ignored.length }, 'inventory cap: new cameras left out');
    if (edge === 'cleared') this.hellos.capCleared();
    if (edge) this.deps.log.info({ ...state, edge }, `inventory cap ${edge}`);
    if (changed) this.deps.bus.emit('discovery.cap', { ...state, ...(edge ? { edge } : {}), at: now });
  }

  private prune(now: number): void {
    const days = this.deps.config.discovery.removedRetentionDays;
    const pruned = this.deps.inventory.pruneRemoved?.(isoTs(now - days * 86_400_000)) ?? 0;
    if (pruned > 0) this.deps.log.info({ pruned, retentionDays: days }, 'removed cameras forgotten');
  }

  private apply(results: readonly Interrogation[], partial: boolean, durationMs: number): SweepSummary {
    const { clock, bus, config } = this.deps;
    const now = clock.now();
    const nowIso = isoTs(now);
    const previous = this.deps.inventory.all();
    const reconciled = reconcile(previous, results, {
      cameras: config.cameras,
      nowIso,
      missedSweepsBeforeRemoved: config.discovery.missedSweepsBeforeRemoved,
      partial,
    });
    const { next, events, ignored } = capInventory(
      reconciled,
      previous,
      config.discovery.maxCameras,
      (c) =>
        configEntryFor({ address: c.address, serial: c.serial, mac: c.mac }, config.cameras) !== undefined,
    );
    this.deps.inventory.saveAll(next, nowIso);
    if (!partial) this.prune(now);
    for (const e of events) {
      this.deps.log.info(
        { cameraId: e.camera.id, address: e.camera.address, previous: e.previous?.id },
        e.type,
      );
      bus.emit('inventory.changed', { ...e, at: now });
    }
    if (!partial) this.announcePersisted(next, new Set(events.map((e) => e.camera.id)));
    this.drift.report(next, results, nowIso, now);
    this.reportCap(next.filter((c) => !c.removed).length, ignored, now);
    return sweepSummary(results, events, nowIso, durationMs);
  }
}
