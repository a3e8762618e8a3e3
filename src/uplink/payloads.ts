import { z } from 'zod';
import { INTEGRATION_CAUSES, UPLINK_OUTAGE_CAUSES } from '../shared/causes.js';
import {
  CAMERA_CLASSES,
  CAMERA_STATUSES,
  LPR_STATUSES,
  PICTURE_REASONS,
  PICTURE_STATUSES,
} from '../shared/types.js';
import { commandPayload } from './commandPayload.js';

/**
 * The zod schemas of every MQTT payload (topic schema v1). They are the one source: the
 * TypeScript types below, the runtime validation of commands, and `docs/schemas/*.json`
 * (generated with `z.toJSONSchema`, checked by test/uplink/schemas.test.ts).
 */

const ts = z.iso.datetime().describe('ISO-8601 UTC time the payload was built');

export { INTEGRATION_CAUSES };

export const statusPayload = z
  .strictObject({
    state: z.enum(['online', 'offline', 'lost']),
    bdSeq: z
      .number()
      .int()
      .min(0)
      .describe('birth/death sequence: the LWT and the birth of one session share it'),
    bootId: z.string().describe('ULID of the daemon boot'),
    version: z.string(),
    ts,
  })
  .describe('gateway status: retained birth, clean-stop offline, or LWT lost');

export const cameraStatePayload = z
  .strictObject({
    cameraId: z.string(),
    address: z.string(),
    manufacturer: z.string().nullable(),
    model: z.string().nullable(),
    serial: z.string().nullable(),
    class: z.enum(CAMERA_CLASSES),
    status: z.enum(CAMERA_STATUSES),
    since: z.iso.datetime(),
    reasons: z.array(z.string()),
    stream: z.strictObject({
      codec: z.string().nullable(),
      width: z.number().int().nullable(),
      height: z.number().int().nullable(),
      fps: z.number().nullable(),
      bitrateKbps: z.number().nullable(),
      lossPct: z.number().nullable(),
      keyframeIntervalS: z.number().nullable(),
    }),
    recording: z.strictObject({
      status: z.enum(['ok', 'stale', 'off', 'unknown']),
      lastSegmentAt: z.iso.datetime().nullable(),
    }),
    integrated: z.boolean(),
    cause: z.enum(INTEGRATION_CAUSES).nullable().describe('first broken link; null when integrated'),
    picture: z
      .strictObject({
        status: z
          .enum(PICTURE_STATUSES)
          .describe('unknown: not sampled yet; learning: no reference yet for this (day/night) mode'),
        reasons: z.array(z.enum(PICTURE_REASONS)).describe('raised after two bad samples in a row'),
        checkedAt: z.iso.datetime().nullable().describe('when the picture was last sampled'),
      })
      .optional()
      .describe('picture checks (added in 0.4; absent from older gateways)'),
    lpr: z
      .strictObject({
        status: z
          .enum(LPR_STATUSES)
          .describe(
            'ok | no_reads (none for lpr.noReadPeriods of its usual reading hours) | learning | no_topic (no licence-plate event topic) | error (event service failing) | unknown',
          ),
        readsLastHour: z
          .number()
          .int()
          .min(0)
          .describe('plate reads in the last complete period (an hour unless lpr.periodSeconds is changed)'),
        topic: z.string().nullable().describe('the plate event topic read from; null when none'),
        lastReadAt: z.iso.datetime().nullable(),
      })
      .optional()
      .describe('LPR cameras only (since 0.4): the licence-plate read rate from the ONVIF event service'),
    ts,
  })
  .describe('retained per-camera state');

export const EVENT_TYPES = [
  'outage.start',
  'outage.end',
  'camera.added',
  'camera.replaced',
  'camera.removed',
  'clock.drift',
  'clock.jump',
  'recording.stale',
  'recording.ok',
  'picture.degraded',
  'picture.ok',
  'outbox.overflow',
  'storage.alarm',
  'storage.alarm.cleared',
  'store.rebuilt',
  'metrics.hourly',
  'outage.summary',
  'uplink.outage',
  'discovery.cap_reached',
  'discovery.cap_cleared',
  'lpr.no_reads',
  'lpr.reading',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const eventPayload = z
  .looseObject({
    eventId: z.string().length(26).describe('ULID; consumers dedupe on it'),
    seq: z.number().int().min(1).describe('strictly increasing per gateway'),
    type: z.enum(EVENT_TYPES),
    cameraId: z.string().nullable(),
    historical: z
      .boolean()
      .describe('true when replayed from the outbox after an outage; always true for uplink.outage'),
    ts,
    cause: z
      .string()
      .optional()
      .describe(
        `uplink.outage: ${UPLINK_OUTAGE_CAUSES.join(' | ')} (consumers must accept causes they do not know)`,
      ),
    // Loose types on purpose: these names are shared by every event type, and a consumer (the
    // centre reads with this schema) must not reject another event that happens to use one.
    startedAt: z
      .string()
      .optional()
      .describe('uplink.outage: ISO-8601 UTC, when the gateway lost its uplink'),
    endedAt: z
      .string()
      .optional()
      .describe('uplink.outage: ISO-8601 UTC, when it came back (or the daemon stopped)'),
    durationMs: z
      .number()
      .nullable()
      .optional()
      .describe('uplink.outage: ms, monotonic within one boot, wall time minus clock steps across a reboot'),
    endReason: z
      .string()
      .nullable()
      .optional()
      .describe('uplink.outage: restored, or gap_reboot (ended at the last sign of life before a restart)'),
    maxCameras: z.number().optional().describe('discovery.cap_reached / _cleared: discovery.maxCameras'),
    // Not `cameras`: metrics.hourly's `cameras` is an array, and one name must keep one type here.
    inventoryCameras: z
      .number()
      .optional()
      .describe('discovery.cap_reached / _cleared: cameras in the inventory at the crossing'),
    ignored: z
      .number()
      .optional()
      .describe(
        'discovery.cap_reached: new devices left out by the sweep that reached the cap; _cleared: left out while it held',
      ),
    seen: z.number().optional().describe('discovery.cap_reached / _cleared: cameras + ignored'),
  })
  .describe('an event from the outbox; type-specific fields follow the common ones');

const classCount = z.strictObject({
  total: z.number().int().min(0),
  integrated: z.number().int().min(0),
  planned: z.number().int().min(0).optional(),
  missing: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('planned but never found here: planned − total, never negative (only with planned)'),
});

export const summaryPayload = z
  .strictObject({
    camerasTotal: z.number().int().min(0),
    camerasIntegrated: z.number().int().min(0),
    camerasMissing: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('sum of byClass.*.missing; present when any class has a planned figure'),
    byClass: z.strictObject({ overview: classCount, panoramic: classCount, lpr: classCount }),
    inventoryCap: z
      .strictObject({
        maxCameras: z.number().int().min(1).describe('discovery.maxCameras'),
        reached: z.boolean().describe('the inventory holds maxCameras or more: new devices are left out'),
        ignored: z
          .number()
          .int()
          .min(0)
          .describe('distinct new devices left out since the cap was reached (0 while not reached)'),
      })
      .optional()
      .describe('the inventory cap (#13 item 9); absent from older gateways'),
    byStatus: z.strictObject({
      online: z.number().int().min(0),
      degraded: z.number().int().min(0),
      offline: z.number().int().min(0),
      unauthorized: z.number().int().min(0),
      unknown: z.number().int().min(0),
    }),
    ts,
  })
  .describe('retained site summary');

export const metricsPayload = z
  .strictObject({
    gateway: z.strictObject({
      uptimeS: z.number().min(0),
      outboxDepth: z.number().int().min(0),
      outboxBytes: z.number().int().min(0),
      outboxDropped: z.number().int().min(0),
      rssBytes: z.number().int().min(0),
    }),
    cameras: z.array(
      z.strictObject({
        cameraId: z.string(),
        status: z.enum(CAMERA_STATUSES),
        fps: z.number().nullable(),
        bitrateKbps: z.number().nullable(),
        lossPct: z.number().nullable(),
      }),
    ),
    ts,
  })
  .describe('periodic figures, QoS 0 with a message expiry');

export { COMMAND_NAMES, type CommandName, commandPayload } from './commandPayload.js';

export const commandResponsePayload = z
  .strictObject({
    requestId: z.string().nullable(),
    command: z.string(),
    status: z.enum(['ok', 'error', 'expired', 'unsupported', 'invalid']),
    result: z.unknown().optional(),
    error: z.string().optional(),
    expiry: z
      .strictObject({
        rule: z.enum([
          'expiresAt',
          'issuedAt+ttlSeconds',
          'messageExpiry',
          'ttlSeconds',
          'unverifiable',
          'none',
        ]),
        wallClock: z.enum(['trusted', 'untrusted']),
        untrustedBecause: z.enum(['before_build_date', 'out_of_sync']).optional(),
      })
      .optional()
      .describe('which expiry rule decided (expired) or bound (run); absent for an invalid command'),
    ts,
  })
  .describe('the answer on cmd-resp/{requestId} or the MQTT 5 response topic');

export type StatusPayload = z.infer<typeof statusPayload>;
export type CameraStatePayload = z.infer<typeof cameraStatePayload>;
export type EventPayload = z.infer<typeof eventPayload>;
export type SummaryPayload = z.infer<typeof summaryPayload>;
export type MetricsPayload = z.infer<typeof metricsPayload>;
export type CommandPayload = z.infer<typeof commandPayload>;
export type CommandResponsePayload = z.infer<typeof commandResponsePayload>;

/** File name (docs/schemas/<name>.json) → schema. */
export const PAYLOAD_SCHEMAS = {
  status: statusPayload,
  'camera-state': cameraStatePayload,
  event: eventPayload,
  summary: summaryPayload,
  metrics: metricsPayload,
  command: commandPayload,
  'command-response': commandResponsePayload,
} as const;
