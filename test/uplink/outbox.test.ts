import { describe, expect, it } from 'vitest';
import { silentLog } from '../../src/shared/log.js';
import { OutboxRepo } from '../../src/store/outboxRepo.js';
import { Store } from '../../src/store/store.js';
import { eventFrame } from '../../src/uplink/eventFrame.js';
import { EventOutbox } from '../../src/uplink/eventOutbox.js';
import { eventPayload } from '../../src/uplink/payloads.js';

const AT = Date.parse('2026-11-20T10:00:00Z');

function repo(cap = 1_000_000): OutboxRepo {
  return new OutboxRepo(Store.open({ dir: ':memory:', log: silentLog() }).db, cap);
}

describe('EventOutbox overflow alarm', () => {
  it('appends one outbox.overflow (priority 2) per episode and counts drops', () => {
    const r = repo(1_000_000);
    const out = new EventOutbox({ repo: r, log: silentLog(), onAppend: () => undefined });
    const big = 'x'.repeat(9_900);
    for (let i = 0; i < 300; i += 1)
      out.record({ type: 'outage.start', cameraId: 'cam-1', fields: { big }, at: AT + i });
    const alarms = r.page(0, 10_000).filter((row) => row.type === 'outbox.overflow');
    expect(alarms).toHaveLength(1);
    expect(alarms[0]?.priority).toBe(2);
    expect(out.dropped).toBeGreaterThan(150);
    expect(r.bytes).toBeLessThanOrEqual(r.capBytes);
  });
});

describe('eventFrame', () => {
  it('builds a schema-valid events payload with the common fields first', () => {
    const r = repo();
    r.append({
      type: 'clock.drift',
      cameraId: 'cam-"1"',
      body: { offsetMs: 93_000, ts: '2026-11-20T10:00:00.000Z' },
      at: AT,
    });
    const row = r.page(0, 1)[0];
    expect(row).toBeDefined();
    if (!row) return;
    const frame = JSON.parse(eventFrame(row, true)) as Record<string, unknown>;
    expect(eventPayload.parse(frame)).toMatchObject({
      seq: 1,
      cameraId: 'cam-"1"',
      historical: true,
      offsetMs: 93_000,
    });
    expect(Object.keys(frame).slice(0, 5)).toEqual(['eventId', 'seq', 'type', 'cameraId', 'historical']);
    expect(JSON.parse(eventFrame({ ...row, payload: '{}', cameraId: null }, false))).toMatchObject({
      cameraId: null,
    });
  });
});
