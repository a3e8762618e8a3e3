import { ulid } from 'ulid';
import type { Config } from '../config/schema.js';
import { type Clock, isoTs, systemClock } from '../shared/clock.js';
import { CamgateError } from '../shared/errors.js';
import { EventBus } from '../shared/events.js';
import type { Log } from '../shared/log.js';
import { type Net, systemNet } from '../shared/net.js';
import type { Service } from '../shared/service.js';
import { BootRepo } from '../store/bootRepo.js';
import { Store } from '../store/store.js';
import { summaryPayload } from '../uplink/statePayloads.js';
import { boardFollowsDirectory } from './boardRows.js';
import { openCameraDirectory } from './cameraDirectory.js';
import { ControlServer, removeStaleSocket } from './control.js';
import { LoopDelayMonitor } from './loopDelay.js';
import { wirings as defaultWirings, type Wiring, type WiringContext } from './modules.js';
import { SdNotifier } from './sdNotify.js';
import { StatusBoard } from './statusBoard.js';
import { VERSION } from './version.js';

export interface DaemonDeps {
  readonly config: Readonly<Config>;
  readonly log: Log;
  readonly clock?: Clock;
  readonly net?: Net;
  readonly wirings?: readonly Wiring[];
  readonly env?: NodeJS.ProcessEnv;
}

/** The composition root: builds every service from the frozen config, starts in order, stops in reverse. */
export class Daemon {
  private readonly started: Service[] = [];
  private readonly abort = new AbortController();
  private watchdogTimer: { cancel(): void } | undefined;
  private ctx: WiringContext | undefined;
  private stopping: Promise<void> | undefined;
  private starting: Promise<void> | undefined;
  private readonly notifier: SdNotifier;

  constructor(private readonly deps: DaemonDeps) {
    this.notifier = new SdNotifier({ log: deps.log, env: deps.env });
  }

  get context(): WiringContext | undefined {
    return this.ctx;
  }

  start(): Promise<void> {
    this.starting = this.boot();
    return this.starting;
  }

  private async boot(): Promise<void> {
    const { config, log } = this.deps;
    const clock = this.deps.clock ?? systemClock;
    // A second daemon on the same box must fail at once, before it touches cameras or the store.
    await removeStaleSocket(config.control.socket);
    const store = Store.open({
      dir: config.storage.path,
      log: log.child({ module: 'store' }),
      now: clock.now,
    });
    const bootId = ulid(clock.now());
    const boots = new BootRepo(store.db);
    boots.start(bootId, VERSION, clock.now());
    const control = new ControlServer({
      socketPath: config.control.socket,
      log: log.child({ module: 'control' }),
    });
    const board = new StatusBoard();
    const bus = new EventBus();
    const ctx: WiringContext = {
      config,
      clock,
      log,
      net: this.deps.net ?? systemNet,
      bus,
      store,
      control,
      board,
      keyframes: {},
      cameras: openCameraDirectory({ config, clock, log, bus, store }),
      bootId,
      version: VERSION,
      startedAt: clock.now(),
    };
    this.ctx = ctx;
    boardFollowsDirectory(ctx);
    const services: Service[] = [];
    for (const wire of this.deps.wirings ?? defaultWirings) services.push(...(await wire(ctx)));
    this.registerCoreRoutes(ctx, boots);
    services.push(new LoopDelayMonitor({ clock, board }), control);
    for (const service of services) {
      // SIGTERM while starting: what started is stopped by the shutdown, nothing more starts.
      if (this.stopping) return;
      await service.start(this.abort.signal);
      this.started.push(service);
      log.debug({ service: service.name }, 'service started');
    }
    if (this.stopping) return;
    this.startWatchdog(ctx, boots);
    await this.notifier.ready(`watching ${board.allCameras().length} cameras`);
    log.info({ bootId, version: VERSION, cameras: board.allCameras().length }, 'camgate running');
  }

  /**
   * Stops services in reverse order; never throws (each failure is logged). Stops once: a second
   * call (SIGTERM twice, a test's cleanup) waits for the same shutdown.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    const { log } = this.deps;
    // A start in progress finishes its current service first (it checks `stopping` between them).
    await this.starting?.catch(() => undefined);
    await this.notifier.stopping();
    this.abort.abort(new Error('daemon stopping'));
    this.watchdogTimer?.cancel();
    for (const service of this.started.reverse()) {
      try {
        await service.stop();
      } catch (err) {
        log.error({ err, service: service.name }, 'service failed to stop cleanly');
      }
    }
    this.started.length = 0;
    const ctx = this.ctx;
    if (ctx) {
      new BootRepo(ctx.store.db).stop(ctx.bootId, ctx.clock.now());
      ctx.store.close();
    }
    log.info('camgate stopped');
  }

  /**
   * `camgate reload` and SIGHUP (issue #12): credentials are read again (a passwordFile is read per
   * use; cached stream credentials are rebuilt), and discovery re-interrogates the site, so a camera
   * that refused the old password comes back under the same id with its history. Settings other
   * than passwordFile contents need a restart.
   */
  async reload(): Promise<{ unauthorized: string[]; rediscovered: unknown }> {
    const ctx = this.ctx;
    if (!ctx) throw new CamgateError('INTERNAL', 'reload before the daemon started');
    const unauthorized = ctx.board
      .allCameras()
      .filter((c) => c.status === 'unauthorized')
      .map((c) => c.cameraId);
    ctx.log.info({ unauthorized }, 'reload: re-reading credentials and re-interrogating cameras');
    ctx.bus.emit('credentials.reload', { at: ctx.clock.now() });
    const rediscovered = ctx.control.has('POST', '/rediscover')
      ? await ctx.control.invoke('POST', '/rediscover')
      : null;
    return { unauthorized, rediscovered };
  }

  private registerCoreRoutes(ctx: WiringContext, boots: BootRepo): void {
    ctx.control.route('POST', '/reload', () => this.reload());
    ctx.control.route('GET', '/status', () => ({
      site: { id: ctx.config.site.id, name: ctx.config.site.name },
      gateway: { id: ctx.config.gateway.id },
      version: ctx.version,
      bootId: ctx.bootId,
      startedAt: isoTs(ctx.startedAt),
      previousBoot: boots.previous(ctx.bootId) ?? null,
      cameras: ctx.board.allCameras(),
      summary: summaryPayload(ctx.board.allCameras(), ctx.config.site.planned, isoTs(ctx.clock.now())),
      ...ctx.board.sectionsSnapshot(),
      ts: isoTs(ctx.clock.now()),
    }));
    // The discovery wiring replaces this with the persisted inventory; until then, the board's cameras.
    if (!ctx.control.has('GET', '/cameras')) {
      ctx.control.route('GET', '/cameras', () => ({
        cameras: ctx.board.allCameras().map((c) => ({
          id: c.cameraId,
          address: c.address,
          manufacturer: c.manufacturer,
          model: c.model,
          serial: c.serial,
          class: c.class,
          source: c.source,
        })),
      }));
    }
  }

  /** WATCHDOG=1 only while the event loop keeps its schedule and the store answers. */
  private startWatchdog(ctx: WiringContext, boots: BootRepo): void {
    const interval = this.notifier.watchdogIntervalMs() ?? 10_000;
    let expected = ctx.clock.monotonic() + interval;
    this.watchdogTimer = ctx.clock.setInterval(() => {
      const now = ctx.clock.monotonic();
      const lag = now - expected;
      expected = now + interval;
      const storeOk = ctx.store.healthy();
      if (storeOk) boots.alive(ctx.bootId, ctx.clock.now());
      if (lag > interval || !storeOk) {
        ctx.log.warn({ lagMs: Math.round(lag), storeOk }, 'watchdog ping withheld');
        return;
      }
      if (this.notifier.watchdogIntervalMs() !== undefined) void this.notifier.watchdog();
    }, interval);
  }
}
