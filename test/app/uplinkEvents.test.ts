import { describe, expect, it } from 'vitest';
import { clockJumpEvent, storageAlarmEvent } from '../../src/app/uplinkEvents.js';

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
