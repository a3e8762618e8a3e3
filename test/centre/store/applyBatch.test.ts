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
});
