import { describe, expect, it } from 'vitest';
import type { CamgateEvents } from '../../src/shared/events.js';
import type { CameraRecord } from '../../src/shared/types.js';
import type { RecordedEvent } from '../../src/uplink/eventOutbox.js';
import {
  clockDriftEvent,
  clockJumpEvent,
  discoveryCapEvent,
  inventoryEvent,
  lprEvent,
  outageEvent,
  recordingEvent,
  storageAlarmEvent,
} from '../../src/uplink/eventRules.js';

const RAISED_AT = Date.parse('2026-11-20T10:00:00Z');
const CLEARED_AT = Date.parse('2026-11-20T10:05:00Z');

describe('storage alarms as outbox events', () => {
  it('a raise is storage.alarm, a clear storage.alarm.cleared, both kept over everything (priority 2)', () => {
    const raised = storageAlarmEvent({
      code: 'retention_short',
      cameraId: 'yard-1',
      message: 'holds 3.20 of 30 days',
      raised: true,
      since: RAISED_AT,
      at: RAISED_AT,
    });
    expect(raised).toEqual({
      type: 'storage.alarm',
      cameraId: 'yard-1',
      fields: {
        code: 'retention_short',
        message: 'holds 3.20 of 30 days',
        since: '2026-11-20T10:00:00.000Z',
      },
      priority: 2,
      at: RAISED_AT,
    });
    const cleared = storageAlarmEvent({
      code: 'disk_low',
      message: 'free space 2% is under the 10% floor',
      raised: false,
      since: RAISED_AT,
      at: CLEARED_AT,
    });
    expect(cleared).toMatchObject({
      type: 'storage.alarm.cleared',
      cameraId: null,
      fields: { code: 'disk_low', since: '2026-11-20T10:00:00.000Z' },
      priority: 2,
      at: CLEARED_AT,
    });
  });

  it('a message quoting a URL with credentials reaches the outbox without them', () => {
    const e = storageAlarmEvent({
      code: 'storage_unreadable',
      message: 'storage check failed: rtsp://admin:hunter2@10.0.0.41/stream1 password=hunter2',
      raised: true,
      since: RAISED_AT,
      at: RAISED_AT,
    });
    expect(JSON.stringify(e)).not.toContain('hunter2');
    expect(e.fields?.message).toContain('rtsp://***@10.0.0.41/stream1');
  });
});

describe('clock jumps as outbox events', () => {
  it('clock.jump with jumpMs, gateway-wide, kept (priority 1) unlike the droppable clock.drift', () => {
    expect(clockJumpEvent({ jumpMs: 3_600_000, at: RAISED_AT })).toEqual({
      type: 'clock.jump',
      cameraId: null,
      fields: { jumpMs: 3_600_000 },
      priority: 1,
      at: RAISED_AT,
    });
  });
});

const AT = Date.parse('2026-11-20T10:00:00Z');

describe('stream transitions as outbox events: only the edge health stamped on them', () => {
  const t = (
    from: CamgateEvents['health.transition']['from'],
    to: CamgateEvents['health.transition']['to'],
    outage: CamgateEvents['health.transition']['outage'],
  ): CamgateEvents['health.transition'] => ({
    cameraId: 'yard-1',
    from,
    to,
    reasons: ['stream_stalled'],
    outage,
    at: AT,
  });

  it.each<[string, CamgateEvents['health.transition'], RecordedEvent | undefined]>([
    [
      'start',
      t('online', 'offline', 'start'),
      {
        type: 'outage.start',
        cameraId: 'yard-1',
        fields: { from: 'online', to: 'offline', reasons: ['stream_stalled'], kind: 'stream' },
        at: AT,
      },
    ],
    [
      'end',
      t('offline', 'degraded', 'end'),
      {
        type: 'outage.end',
        cameraId: 'yard-1',
        fields: { from: 'offline', to: 'degraded', reasons: ['stream_stalled'], kind: 'stream' },
        at: AT,
      },
    ],
    ['no edge (online → degraded)', t('online', 'degraded', undefined), undefined],
    // the rule does not second-guess health: the edge alone decides
    ['no edge stamped, even down to down', t('offline', 'unauthorized', undefined), undefined],
  ])('%s', (_name, transition, expected) => {
    expect(outageEvent(transition)).toEqual(expected);
  });
});

describe('recording health as outbox events', () => {
  const r = (outage: 'start' | 'end' | undefined, extra: Partial<CamgateEvents['health.recording']> = {}) =>
    recordingEvent({ cameraId: 'lpr-1', from: 'ok', to: 'stale', outage, at: AT, ...extra });

  it.each<[string, RecordedEvent | undefined]>([
    [
      'start',
      { type: 'recording.stale', cameraId: 'lpr-1', fields: { lastSegmentAt: null, detail: null }, at: AT },
    ],
    [
      'end',
      { type: 'recording.ok', cameraId: 'lpr-1', fields: { lastSegmentAt: null, detail: null }, at: AT },
    ],
  ])('%s', (edge, expected) => {
    expect(r(edge as 'start' | 'end')).toEqual(expected);
  });

  it('no edge, no event; the last segment and detail travel when known', () => {
    expect(r(undefined)).toBeUndefined();
    expect(
      r('start', { lastSegmentAt: '2026-11-20T09:59:00.000Z', detail: 'no new segment' })?.fields,
    ).toEqual({
      lastSegmentAt: '2026-11-20T09:59:00.000Z',
      detail: 'no new segment',
    });
  });
});

describe('inventory changes as outbox events', () => {
  const camera: CameraRecord = {
    id: 'gate-lpr-1',
    address: '10.0.0.42',
    source: 'onvif',
    manufacturer: 'Hikvision',
    model: 'DS-2CD',
    serial: 'SN2',
    class: 'lpr',
    ptz: false,
    classConfidence: 1,
    classEvidence: [],
    profiles: [],
    firstSeenAt: '2026-11-01T00:00:00.000Z',
    lastSeenAt: '2026-11-20T09:00:00.000Z',
  };
  const identity = {
    address: '10.0.0.42',
    manufacturer: 'Hikvision',
    model: 'DS-2CD',
    serial: 'SN2',
    class: 'lpr',
  };

  it.each<[string, CamgateEvents['inventory.changed'], RecordedEvent | undefined]>([
    [
      'added',
      { type: 'camera.added', camera, at: AT },
      { type: 'camera.added', cameraId: 'gate-lpr-1', fields: identity, at: AT },
    ],
    [
      'replaced, with the previous device',
      { type: 'camera.replaced', camera, previous: { ...camera, serial: 'SN1', model: undefined }, at: AT },
      {
        type: 'camera.replaced',
        cameraId: 'gate-lpr-1',
        fields: { ...identity, previousSerial: 'SN1', previousModel: null },
        at: AT,
      },
    ],
    [
      'removed, unknown identity fields as null',
      {
        type: 'camera.removed',
        camera: { ...camera, manufacturer: undefined, model: undefined, serial: undefined },
        at: AT,
      },
      {
        type: 'camera.removed',
        cameraId: 'gate-lpr-1',
        fields: { ...identity, manufacturer: null, model: null, serial: null },
        at: AT,
      },
    ],
    ['updated is routine, not news', { type: 'camera.updated', camera, at: AT }, undefined],
  ])('%s', (_name, change, expected) => {
    expect(inventoryEvent(change)).toEqual(expected);
  });
});

describe('camera clock drift as an outbox event', () => {
  it('clock.drift is droppable under the cap (priority 0): the next interrogation measures it again', () => {
    expect(clockDriftEvent({ cameraId: 'yard-1', offsetMs: 93_000, at: AT })).toEqual({
      type: 'clock.drift',
      cameraId: 'yard-1',
      fields: { offsetMs: 93_000 },
      priority: 0,
      at: AT,
    });
  });
});

describe('lprEvent (issue #17)', () => {
  const base = {
    cameraId: 'gate',
    readsLastHour: 0,
    topic: 'tns1:RuleEngine/Recognition/LicensePlate',
    silentPeriods: 3,
    at: 1_800_000_000_000,
  };
  it.each([
    [undefined, 'no_reads', 'lpr.no_reads'],
    ['ok', 'no_reads', 'lpr.no_reads'],
    ['no_reads', 'ok', 'lpr.reading'],
    // Review #1: leaving no_reads for anything but ok is no read (a pull timeout, a restart).
    ['no_reads', 'error', undefined],
    ['no_reads', 'unknown', undefined],
    ['no_reads', 'learning', undefined],
    ['no_reads', 'no_topic', undefined],
    ['no_reads', 'no_reads', undefined],
    ['learning', 'ok', undefined],
    ['ok', 'error', undefined],
    [undefined, 'no_topic', undefined],
  ] as const)('%s → %s: %s', (from, to, type) => {
    expect(lprEvent({ ...base, from, to })?.type).toBe(type);
  });

  it('carries the verdict for the centre', () => {
    expect(lprEvent({ ...base, from: 'ok', to: 'no_reads', lastReadAt: '2026-12-05T08:00:00.000Z' })).toEqual(
      {
        type: 'lpr.no_reads',
        cameraId: 'gate',
        fields: {
          status: 'no_reads',
          topic: 'tns1:RuleEngine/Recognition/LicensePlate',
          readsLastHour: 0,
          silentPeriods: 3,
          lastReadAt: '2026-12-05T08:00:00.000Z',
        },
        at: base.at,
      },
    );
  });
});

describe('the inventory cap as outbox events (#13 item 9)', () => {
  const cap = { maxCameras: 2, cameras: 2, ignored: 3, at: RAISED_AT };
  it('a crossing of what the centre was told is discovery.cap_reached / _cleared, gateway-wide, kept over everything', () => {
    expect(discoveryCapEvent({ ...cap, reached: true, edge: 'reached' }, false)).toEqual({
      type: 'discovery.cap_reached',
      cameraId: null,
      fields: { maxCameras: 2, inventoryCameras: 2, ignored: 3, seen: 5 },
      priority: 2,
      at: RAISED_AT,
    });
    expect(
      discoveryCapEvent({ ...cap, cameras: 1, reached: false, edge: 'cleared', at: CLEARED_AT }, true),
    ).toMatchObject({
      type: 'discovery.cap_cleared',
      fields: { maxCameras: 2, inventoryCameras: 1, ignored: 3, seen: 4 },
      priority: 2,
      at: CLEARED_AT,
    });
  });

  it('no event when the centre already knows: more devices left out, or the same state after a restart', () => {
    expect(discoveryCapEvent({ ...cap, reached: true }, true)).toBeUndefined();
    // A restart finds the cap still reached: this process calls it an edge, the centre was told.
    expect(discoveryCapEvent({ ...cap, reached: true, edge: 'reached' }, true)).toBeUndefined();
    expect(discoveryCapEvent({ ...cap, reached: false, ignored: 0 }, false)).toBeUndefined();
  });

  it('a restart that finds the cap cleared (a higher cap, cameras gone) clears a raise sent before it', () => {
    expect(discoveryCapEvent({ ...cap, cameras: 1, ignored: 0, reached: false }, true)).toMatchObject({
      type: 'discovery.cap_cleared',
      fields: { maxCameras: 2, inventoryCameras: 1, ignored: 0, seen: 1 },
    });
  });
});
