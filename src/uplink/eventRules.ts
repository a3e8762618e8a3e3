import { isoTs } from '../shared/clock.js';
import type { CamgateEvents } from '../shared/events.js';
import { redactText } from '../shared/redact.js';
import type { RecordedEvent } from './eventOutbox.js';

/**
 * Which bus event becomes which `events` message for the centre, with which fields (docs/mqtt.md):
 * pure, one function per bus event, undefined when the event is not the centre's business. The
 * edges (does this transition start an outage?) are decided by health/; here they are only named.
 */

/** `outage.start` / `outage.end`: the edge the health machine stamped on the transition. */
export function outageEvent(t: CamgateEvents['health.transition']): RecordedEvent | undefined {
  if (t.outage === undefined) return undefined;
  return {
    type: t.outage === 'start' ? 'outage.start' : 'outage.end',
    cameraId: t.cameraId,
    fields: { from: t.from, to: t.to, reasons: [...t.reasons], kind: 'stream' },
    at: t.at,
  };
}

/** `recording.stale` when recording stops being verified, `recording.ok` when it comes back. */
export function recordingEvent(r: CamgateEvents['health.recording']): RecordedEvent | undefined {
  if (r.outage === undefined) return undefined;
  return {
    type: r.outage === 'start' ? 'recording.stale' : 'recording.ok',
    cameraId: r.cameraId,
    fields: { lastSegmentAt: r.lastSegmentAt ?? null, detail: r.detail ?? null },
    at: r.at,
  };
}

/**
 * `picture.degraded` whenever the raised picture reasons change to a non-empty set (a new reason
 * joining is news too), `picture.ok` when the last one clears (issue #17).
 */
export function pictureEvent(p: CamgateEvents['health.picture']): RecordedEvent | undefined {
  if (p.to.length === 0 && p.from.length === 0) return undefined;
  return {
    type: p.to.length > 0 ? 'picture.degraded' : 'picture.ok',
    cameraId: p.cameraId,
    fields: { reasons: [...p.to], previousReasons: [...p.from] },
    at: p.at,
  };
}

/**
 * `lpr.no_reads` when an LPR camera that used to read plates stops reading in its usual hours,
 * `lpr.reading` when the first read after that arrives (`no_reads` → `ok`, nothing else: a camera
 * leaving `no_reads` for an error, no topic or learning has read no plate). Other changes of the
 * verdict are in the retained state only.
 */
export function lprEvent(l: CamgateEvents['health.lpr']): RecordedEvent | undefined {
  const raised = l.to === 'no_reads' && l.from !== 'no_reads';
  const cleared = l.from === 'no_reads' && l.to === 'ok';
  if (!raised && !cleared) return undefined;
  return {
    type: raised ? 'lpr.no_reads' : 'lpr.reading',
    cameraId: l.cameraId,
    fields: {
      status: l.to,
      topic: l.topic,
      readsLastHour: l.readsLastHour,
      silentPeriods: l.silentPeriods,
      lastReadAt: l.lastReadAt ?? null,
    },
    at: l.at,
  };
}

/** `camera.added` / `camera.replaced` / `camera.removed` with the identity; routine updates are not news. */
export function inventoryEvent(e: CamgateEvents['inventory.changed']): RecordedEvent | undefined {
  if (e.type === 'camera.updated') return undefined;
  const cam = e.camera;
  return {
    type: e.type,
    cameraId: cam.id,
    fields: {
      address: cam.address,
      manufacturer: cam.manufacturer ?? null,
      model: cam.model ?? null,
      serial: cam.serial ?? null,
      class: cam.class,
      ...(e.previous
        ? { previousSerial: e.previous.serial ?? null, previousModel: e.previous.model ?? null }
        : {}),
    },
    at: e.at,
  };
}

/** `clock.drift`: droppable under the cap (priority 0), the next interrogation measures it again. */
export function clockDriftEvent(d: CamgateEvents['camera.clockDrift']): RecordedEvent {
  return {
    type: 'clock.drift',
    cameraId: d.cameraId,
    fields: { offsetMs: d.offsetMs },
    priority: 0,
    at: d.at,
  };
}

/**
 * `storage.alarm` / `storage.alarm.cleared`. Both are priority 2 (kept over everything): there is
 * no retained state for storage alarms, so an evicted clear would leave the centre with a
 * standing false alarm, and an evicted raise would hide a disk that is filling. There are a few
 * per episode, so they cannot crowd the outbox.
 */
export function storageAlarmEvent(a: CamgateEvents['recording.alarm']): RecordedEvent {
  return {
    type: a.raised ? 'storage.alarm' : 'storage.alarm.cleared',
    cameraId: a.cameraId ?? null,
    // The message may quote an OS error (a path); never a URL with credentials.
    fields: { code: a.code, message: redactText(a.message), since: isoTs(a.since) },
    priority: 2,
    at: a.at,
  };
}

/**
 * `discovery.cap_reached` / `discovery.cap_cleared`: once per crossing of `discovery.maxCameras`,
 * judged against what the centre was last told (`told`, kept across restarts), so a restart neither
 * repeats a raise nor forgets the clear of a raise sent before it. More devices left out while the
 * cap holds are told by the retained summary, not by more events. Priority 2 like the storage
 * alarms: an evicted clear would leave a standing false alarm.
 */
export function discoveryCapEvent(
  c: CamgateEvents['discovery.cap'],
  told: boolean,
): RecordedEvent | undefined {
  if (c.reached === told) return undefined;
  return {
    type: c.reached ? 'discovery.cap_reached' : 'discovery.cap_cleared',
    cameraId: null,
    fields: {
      maxCameras: c.maxCameras,
      inventoryCameras: c.cameras,
      ignored: c.ignored,
      seen: c.cameras + c.ignored,
    },
    priority: 2,
    at: c.at,
  };
}

/**
 * `clock.jump`: the gateway's own wall clock stepped. Priority 1 (kept, unlike `clock.drift`):
 * the centre needs it to read the `ts` of the events around it, and nothing measures it again.
 */
export function clockJumpEvent(j: CamgateEvents['health.clockJump']): RecordedEvent {
  return { type: 'clock.jump', cameraId: null, fields: { jumpMs: j.jumpMs }, priority: 1, at: j.at };
}

/** A closed uplink outage, as the store has it. */
export interface ClosedUplinkOutage {
  readonly cause: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly durationMs: number | null;
  readonly endReason: string | null;
}

/**
 * `uplink.outage`: one event per closed outage of the gateway's own uplink, with both times, so
 * the centre can subtract it from "integrated" as `camgate report` does. It can only be sent after
 * the outage, so it is always `historical: true` (eventFrame.ts). Priority 2: nothing retained
 * carries it, and it is the one witness of the downtime.
 */
export function uplinkOutageEvent(o: ClosedUplinkOutage, at: number): RecordedEvent | undefined {
  if (o.endedAt === null) return undefined;
  return {
    type: 'uplink.outage',
    cameraId: null,
    fields: {
      cause: o.cause,
      startedAt: o.startedAt,
      endedAt: o.endedAt,
      durationMs: o.durationMs,
      endReason: o.endReason,
    },
    priority: 2,
    at,
  };
}
