import { integrationOf } from '../health/integration.js';
import { CamgateError } from '../shared/errors.js';
import type { CamgateEvents } from '../shared/events.js';
import type { Service } from '../shared/service.js';
import type { CameraStatus } from '../shared/types.js';
import { OutboxRepo } from '../store/outboxRepo.js';
import type { CommandHandlers } from '../uplink/commands.js';
import { EventOutbox, type RecordedEvent } from '../uplink/eventOutbox.js';
import { UplinkService, type UplinkTuning } from '../uplink/uplinkService.js';
import type { Wiring, WiringContext } from './modules.js';
import { clockJumpEvent, storageAlarmEvent } from './uplinkEvents.js';

/** Handlers other modules provide (rediscover, probe, snapshot); absent ones are answered `unsupported`. */
export interface UplinkWiringOptions {
  readonly handlers?: CommandHandlers;
  readonly tuning?: Partial<UplinkTuning>;
}

const DOWN: ReadonlySet<CameraStatus> = new Set(['offline', 'unauthorized']);

/**
 * The Uplink Service wiring: bus events become outbox events and retained-state republishes,
 * integration is computed for every board row, and `camgate status` gets an `uplink` section.
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
  const { config, clock, bus, board, store } = ctx;
  const log = ctx.log.child({ module: 'uplink' });
  let uplink: UplinkService | undefined;
  let lastConnected: boolean | undefined;
  const outbox = new EventOutbox({
    repo: new OutboxRepo(store.db, config.mqtt.outboxMaxBytes),
    log,
    onAppend: () => uplink?.drainer.wake(),
    writes: store.writes,
  });
  const service = new UplinkService({
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
    planned: config.site.planned,
    handlers: options.handlers ?? controlHandlers(ctx),
    tuning: options.tuning,
    onLinkChange: (link) => {
      refreshIntegration();
      if (link.connected === lastConnected) return;
      lastConnected = link.connected;
      bus.emit('uplink.state', { connected: link.connected, at: clock.now(), detail: link.detail });
    },
  });
  uplink = service;
  const up = {
    connected: () => service.connected,
    centreState: () => service.centreState,
    publishCamera: (id: string) => service.publishCamera(id),
    publishSummary: () => service.publishSummary(),
    clearCamera: (id: string) => service.clearCamera(id),
    /** A failed append is logged, not thrown into the emitter of someone else's event. */
    record: (event: RecordedEvent) => {
      try {
        service.record(event);
      } catch (err) {
        log.error(
          { err, type: event.type, cameraId: event.cameraId },
          'could not append event to the outbox',
        );
      }
    },
  };

  /** Recomputes integration for every row; returns the ids whose integration changed. */
  function refreshIntegration(): string[] {
    const changed: string[] = [];
    for (const row of board.allCameras()) {
      const next = integrationOf({
        status: row.status,
        reasons: row.reasons,
        recording: row.recording.status,
        uplinkUp: up.connected(),
        centre: up.centreState(),
      });
      if (next.integrated === row.integrated && next.cause === row.cause) continue;
      board.patchCamera(row.cameraId, { integrated: next.integrated, cause: next.cause });
      bus.emit('integration.changed', { cameraId: row.cameraId, ...next, at: clock.now() });
      changed.push(row.cameraId);
    }
    return changed;
  }

  function republish(cameraId: string): void {
    const changed = refreshIntegration();
    for (const id of new Set([cameraId, ...changed])) up.publishCamera(id);
    up.publishSummary();
  }

  const onTransition = (t: CamgateEvents['health.transition']): void => {
    const wasDown = DOWN.has(t.from);
    const isDown = DOWN.has(t.to);
    const fields = { from: t.from, to: t.to, reasons: [...t.reasons], kind: 'stream' };
    if (!wasDown && isDown) up.record({ type: 'outage.start', cameraId: t.cameraId, fields, at: t.at });
    if (wasDown && !isDown && t.to !== 'unknown') {
      up.record({ type: 'outage.end', cameraId: t.cameraId, fields, at: t.at });
    }
    republish(t.cameraId);
  };

  const onInventory = (e: CamgateEvents['inventory.changed']): void => {
    const cam = e.camera;
    if (e.type !== 'camera.updated') {
      const fields = {
        address: cam.address,
        manufacturer: cam.manufacturer ?? null,
        model: cam.model ?? null,
        serial: cam.serial ?? null,
        class: cam.class,
        ...(e.previous
          ? { previousSerial: e.previous.serial ?? null, previousModel: e.previous.model ?? null }
          : {}),
      };
      up.record({ type: e.type, cameraId: cam.id, fields, at: e.at });
    }
    if (e.type === 'camera.removed') {
      up.clearCamera(cam.id);
      refreshIntegration();
      up.publishSummary();
      return;
    }
    republish(cam.id);
  };

  const lastRecording = new Map<string, string>();
  const onRecording = (r: CamgateEvents['recording.status']): void => {
    const previous = lastRecording.get(r.cameraId);
    lastRecording.set(r.cameraId, r.status);
    const fields = { lastSegmentAt: r.lastSegmentAt ?? null, detail: r.detail ?? null };
    if (r.status === 'stale' && previous !== 'stale') {
      up.record({ type: 'recording.stale', cameraId: r.cameraId, fields, at: r.at });
    } else if (r.status === 'ok' && previous === 'stale') {
      up.record({ type: 'recording.ok', cameraId: r.cameraId, fields, at: r.at });
    }
    republish(r.cameraId);
  };

  const onDrift = (d: CamgateEvents['camera.clockDrift']): void => {
    // Droppable under the cap: the next interrogation measures the drift again.
    up.record({
      type: 'clock.drift',
      cameraId: d.cameraId,
      fields: { offsetMs: d.offsetMs },
      priority: 0,
      at: d.at,
    });
  };

  // Subscribed while wiring, not in start(): recording raises alarms during its own start (the
  // shared-filesystem check runs before the uplink starts), and health ticks before the uplink
  // has started; the outbox keeps them until connected.
  const unsubscribe: Array<() => void> = [
    bus.on('recording.alarm', (a) => up.record(storageAlarmEvent(a))),
    bus.on('health.clockJump', (j) => up.record(clockJumpEvent(j))),
  ];
  board.section('uplink', () => service.status());
  return {
    name: 'uplink',
    async start(signal) {
      unsubscribe.push(
        bus.on('health.transition', onTransition),
        bus.on('inventory.changed', onInventory),
        bus.on('recording.status', onRecording),
        bus.on('camera.clockDrift', onDrift),
      );
      refreshIntegration();
      await service.start(signal);
    },
    async stop() {
      for (const off of unsubscribe.splice(0)) off();
      await service.stop();
    },
  };
}
