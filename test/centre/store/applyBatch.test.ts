import { describe, expect, it } from 'vitest';
import { applyBatch } from '../../../src/centre/store/applyBatch.js';
import { openCentreDb } from '../../../src/centre/store/openDb.js';
import { periodsOverlapping } from '../../../src/centre/store/periods.js';
import { deferCleanup } from '../../helpers/testCleanup.js';

/** Bad input from a gateway is stored but bounded: an in-memory store, no broker needed. */
describe('applyBatch with periods', () => {
  it('an uplink.outage from a gateway whose clock said 1970 is kept, and marks at most 401 past days for recomputing', async () => {
    const db = await openCentreDb({ driver: 'sqlite', path: ':memory:' });
    deferCleanup(() => db.destroy());
    const r = await applyBatch(
      db,
      [
        {
          kind: 'event',
          siteId: 's1',
          gatewayId: 'gw',
          payload: {
            eventId: '01JZZZZZZZZZZZZZZZZZZZZZZZ',
            seq: 1,
            type: 'uplink.outage',
            cameraId: null,
            historical: true,
            ts: '2026-12-04T10:00:00.000Z',
            cause: 'broker_unreachable',
            startedAt: '1970-01-01T00:00:00.000Z',
            endedAt: '2026-12-04T10:00:00.000Z',
            durationMs: null,
            endReason: 'restored',
          },
        },
      ],
      '2026-12-05T12:00:00.000Z',
    );
    const days = [...r.pastDays].sort();
    expect(days).toHaveLength(401);
    expect(days.at(-1)).toBe('2026-12-04');
    expect(days[0]).toBe('2025-10-30');
    expect(
      await periodsOverlapping(db, '1970-01-02T00:00:00.000Z', '1970-01-02T00:00:00.000Z'),
    ).toMatchObject([
      { kind: 'uplink_down', from: '1970-01-01T00:00:00.000Z', detail: 'broker_unreachable' },
    ]);
  });

  it('a replayed outage.start keeps the gateway cause: stalled, refused, unauthorized, else offline', async () => {
    const db = await openCentreDb({ driver: 'sqlite', path: ':memory:' });
    deferCleanup(() => db.destroy());
    const starts: Array<[string, string, string[]]> = [
      ['c1', 'offline', ['stream_stalled']],
      ['c2', 'offline', ['stream_refused 404']],
      ['c3', 'unauthorized', ['onvif_auth']],
      ['c4', 'offline', ['connect_timeout']],
      ['c5', 'maintenance', []],
    ];
    await applyBatch(
      db,
      starts.map(([cameraId, to, reasons], i) => ({
        kind: 'event' as const,
        siteId: 's1',
        gatewayId: 'gw',
        payload: {
          eventId: `01JZZZZZZZZZZZZZZZZZZZZZZ${i}`,
          seq: i + 1,
          type: 'outage.start',
          cameraId,
          historical: true,
          ts: '2026-12-04T10:00:00.000Z',
          from: 'online',
          to,
          reasons,
          kind: 'stream',
        },
      })),
      '2026-12-05T12:00:00.000Z',
    );
    const log = await db
      .selectFrom('camera_log')
      .select(['camera_id', 'status', 'cause'])
      .orderBy('camera_id')
      .execute();
    expect(log).toEqual([
      { camera_id: 'c1', status: 'offline', cause: 'stream_stalled' },
      { camera_id: 'c2', status: 'offline', cause: 'stream_refused' },
      { camera_id: 'c3', status: 'unauthorized', cause: 'unauthorized' },
      { camera_id: 'c4', status: 'offline', cause: 'camera_offline' },
      { camera_id: 'c5', status: 'maintenance', cause: 'camera_offline' },
    ]);
  });
});
