import type { UplinkOutageCause } from '../shared/causes.js';
import { CamgateError } from '../shared/errors.js';
import type { CamgateEvents, EventBus } from '../shared/events.js';
import type { Log } from '../shared/log.js';
import type { Service } from '../shared/service.js';
import type { CentreState } from '../shared/types.js';
import { OutboxRepo } from '../store/outboxRepo.js';
import { UplinkOutageRepo } from '../store/uplinkOutageRepo.js';
import type { CommandHandlers } from '../uplink/commands.js';
import { EventOutbox, type RecordedEvent } from '../uplink/eventOutbox.js';
import {
  clockDriftEvent,
  clockJumpEvent,
  discoveryCapEvent,
  inventoryEvent,
  lprEvent,
  outageEvent,
  pictureEvent,
  recordingEvent,
  storageAlarmEvent,
} from '../uplink/eventRules.js';
import type { SummaryPayload } from '../uplink/payloads.js';
import { UplinkService, type UplinkTuning } from '../uplink/uplinkService.js';
import type { Wiring, WiringContext } from './modules.js';
import { UplinkOutages } from './uplinkOutages.js';

/** What the centre was last told of the inventory cap (`reached` or `clear`), across restarts. */
const CAP_TOLD_KEY = 'uplink.inventoryCapTold';

/** Handlers other modules provide (rediscover, probe, snapshot); absent ones are answered `unsupported`. */
export interface UplinkWiringOptions {
  readonly handlers?: CommandHandlers;
  readonly tuning?: Partial<UplinkTuning>;
  /** Tests: how long a session may go without the centre's state (default 10 s). */
  readonly centreGraceMs?: number;
}

/**
 * The Uplink Service wiring: bus events become outbox events, health's `camera.state` becomes a
 * retained-state republish, link changes go to health as `uplink.state` (health decides
 * integration), and `camgate status` gets an `uplink` section.
 */
export function createWireUplink(options: UplinkWiringOptions = {}): Wiring {
  return (ctx) => [buildUplink(ctx, options)];
}

export const wireUplink: Wiring = createWireUplink();

/**
 * Centre commands run the same code as the technician's CLI: the control routes, in-process.
 * A command whose route no module registered is answered `unsupported`.
 */
function controlHandlers(ctx: WiringContext): CommandHandlers {
  const viaRoute = (path: string, withCamera: boolean): CommandHandlers[string] =>
    ctx.control.has('POST', path)
      ? (args) => ctx.control.invoke('POST', path, withCamera ? { camera: args.camera } : undefined)
      : undefined;
  return {
    rediscover: viaRoute('/rediscover', false),
    probe: viaRoute('/probe', true),
    snapshot: snapshotHandler(ctx.config.mqtt.snapshotMaxBytes, viaRoute('/snapshot', true)),
  };
}

/** A JPEG too big for the broker (or a cellular uplink) is refused with a hint, not sent. */
export function snapshotHandler(max: number, take: CommandHandlers[string]): CommandHandlers[string] {
  if (!take) return undefined;
  return async (args, cmd) => {
    const shot = (await take(args, cmd)) as { bytes: number };
    if (shot.bytes > max)
      throw new CamgateError(
        'SNAPSHOT',
        `snapshot is ${shot.bytes} bytes, over mqtt.snapshotMaxBytes (${max}); take it on site with camgate snapshot`,
      );
    return shot;
  };
}

function buildUplink(ctx: WiringContext, options: UplinkWiringOptions): Service {
  const { bus, board } = ctx;
  const log = ctx.log.child({ module: 'uplink' });
  const cap: InventoryCapView = {
    current: { maxCameras: ctx.config.discovery.maxCameras, reached: false, ignored: 0 },
  };
  const service = uplinkService(ctx, options, log, cap);
  const record = recorder(service, log);
  // Subscribed while wiring, not in start(): recording raises alarms during its own start (the
  // shared-filesystem check runs before the uplink starts), and health ticks before the uplink
  // has started; the outbox keeps them until connected.
  const unsubscribe: Array<() => void> = [
    bus.on('recording.alarm', (a) => record(storageAlarmEvent(a))),
    bus.on('health.clockJump', (j) => record(clockJumpEvent(j))),
    // The first sweep runs in discovery's start, before the uplink's: a cap reached there is kept.
    bus.on('discovery.cap', (c) => onCap(ctx, service, cap, log, c)),
  ];
  const outages = new UplinkOutages({
    repo: new UplinkOutageRepo(ctx.store.db, ctx.config.gateway.id),
    clock: ctx.clock,
    log,
    bootId: ctx.bootId,
    record,
    centreGraceMs: options.centreGraceMs,
  });
  unsubscribe.push(
    bus.on('uplink.state', (u) => {
      try {
        outages.onLink(u);
      } catch (err) {
        log.error({ err }, 'could not record an uplink outage');
      }
    }),
  );
  board.section('uplink', () => ({ ...service.status(), outage: outages.current() }));
  return {
    name: 'uplink',
    async start(signal) {
      unsubscribe.push(...liveSubscriptions(bus, service, record));
      await service.start(signal);
    },
    async stop() {
      for (const off of unsubscribe.splice(0)) off();
      outages.stop();
      await service.stop();
    },
  };
}

/** A failed append is logged, not thrown into the emitter of someone else's event. */
function recorder(service: UplinkService, log: Log): (event: RecordedEvent | undefined) => void {
  return (event) => {
    if (event === undefined) return;
    try {
      service.record(event);
    } catch (err) {
      log.error({ err, type: event.type, cameraId: event.cameraId }, 'could not append event to the outbox');
    }
  };
}

/** Discovery's inventory cap: an event when the centre's view of it changes, and the summary. */
function onCap(
  ctx: WiringContext,
  service: UplinkService,
  cap: InventoryCapView,
  log: Log,
  c: CamgateEvents['discovery.cap'],
): void {
  // A clear carries the episode's count for its event; the standing state has none left out.
  cap.current = { maxCameras: c.maxCameras, reached: c.reached, ignored: c.reached ? c.ignored : 0 };
  try {
    const event = discoveryCapEvent(c, ctx.store.getKv(CAP_TOLD_KEY) === 'reached');
    if (event) {
      service.record(event);
      ctx.store.setKv(CAP_TOLD_KEY, c.reached ? 'reached' : 'clear');
    }
  } catch (err) {
    // The database (a full disk): not marked as told, so the next pass or boot tries again.
    log.error({ err }, 'could not record the inventory cap event');
  }
  service.publishSummary();
}

/** Health's and the other modules' events once the uplink starts: outbox events and retained state. */
function liveSubscriptions(
  bus: EventBus,
  service: UplinkService,
  record: (event: RecordedEvent | undefined) => void,
): Array<() => void> {
  // One summary for the cameras that changed together: the health tick settles a mass stall of
  // 1,024 cameras in one task, and each summary reads every row (#14).
  let summaryQueued = false;
  const summarySoon = (): void => {
    if (summaryQueued) return;
    summaryQueued = true;
    queueMicrotask(() => {
      summaryQueued = false;
      service.publishSummary();
    });
  };
  return [
    bus.on('health.transition', (t) => record(outageEvent(t))),
    bus.on('health.recording', (r) => record(recordingEvent(r))),
    bus.on('health.picture', (p) => record(pictureEvent(p))),
    bus.on('health.lpr', (l) => record(lprEvent(l))),
    bus.on('camera.clockDrift', (d) => record(clockDriftEvent(d))),
    bus.on('inventory.changed', (e) => {
      record(inventoryEvent(e));
      if (e.type !== 'camera.removed') return;
      service.clearCamera(e.camera.id);
      service.publishSummary();
    }),
    // Health announces every change of what the centre sees of a camera, once the board holds it.
    bus.on('camera.state', (s) => {
      service.publishCamera(s.cameraId);
      summarySoon();
    }),
  ];
}

/** The inventory cap as discovery last told it on the bus; the summary reads it. */
interface InventoryCapView {
  current: NonNullable<SummaryPayload['inventoryCap']>;
}

/** The MQTT side: the outbox on the store, retained state from the board, link changes to health. */
function uplinkService(
  ctx: WiringContext,
  options: UplinkWiringOptions,
  log: Log,
  cap: InventoryCapView,
): UplinkService {
  const { config, clock, bus, board, store } = ctx;
  let lastLink:
    | { connected: boolean; centre: CentreState | undefined; cause?: UplinkOutageCause }
    | undefined;
  const repo = new OutboxRepo(store.db, config.mqtt.outboxMaxBytes);
  store.writes.onRollback(() => repo.recount());
  const outbox = new EventOutbox({
    repo,
    log,
    onAppend: () => service.drainer.wake(),
    writes: store.writes,
  });
  const service: UplinkService = new UplinkService({
    mqtt: config.mqtt,
    siteId: config.site.id,
    gatewayId: config.gateway.id,
    bootId: ctx.bootId,
    version: ctx.version,
    clock,
    log,
    outbox,
    kv: store,
    cameras: () => board.allCameras(),
    camera: (id) => board.camera(id),
    planned: config.site.planned,
    inventoryCap: () => cap.current,
    handlers: options.handlers ?? controlHandlers(ctx),
    tuning: options.tuning,
    // Health hears it and re-judges every camera's integration before the service republishes them.
    onLinkChange: (link) => {
      if (link.connected === lastLink?.connected && link.centre === lastLink.centre) return;
      lastLink = { connected: link.connected, centre: link.centre, cause: link.cause };
      bus.emit('uplink.state', { ...lastLink, at: clock.now(), detail: link.detail });
    },
  });
  return service;
}
