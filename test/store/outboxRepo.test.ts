import { describe, expect, it } from 'vitest';
import { silentLog } from '../../src/shared/log.js';
import { OutboxRepo } from '../../src/store/outboxRepo.js';
import { Store } from '../../src/store/store.js';

const AT = Date.parse('2026-11-20T10:00:00Z');

function repo(cap = 1_000_000): OutboxRepo {
  return new OutboxRepo(Store.open({ dir: ':memory:', log: silentLog() }).db, cap);
}

describe('OutboxRepo', () => {
  it('gives strictly increasing seqs that are never reused after acks', () => {
    const r = repo();
    const a = r.append({ type: 'camera.added', body: { ts: 'x' }, at: AT });
    const b = r.append({ type: 'camera.added', body: { ts: 'x' }, at: AT });
    expect(b.seq).toBe(a.seq + 1);
    expect(r.ack([a.seq, b.seq])).toBe(2);
    const c = r.append({ type: 'camera.added', body: { ts: 'x' }, at: AT });
    expect(c.seq).toBe(b.seq + 1);
    expect(a.eventId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(new Set([a.eventId, b.eventId, c.eventId]).size).toBe(3);
  });

  it('tracks depth and bytes across a reopen and acks', () => {
    const store = Store.open({ dir: ':memory:', log: silentLog() });
    const r = new OutboxRepo(store.db, 1_000_000);
    for (let i = 0; i < 10; i += 1) r.append({ type: 'outage.start', body: { i, ts: 'x' }, at: AT });
    const again = new OutboxRepo(store.db, 1_000_000);
    expect(again.depth).toBe(10);
    expect(again.bytes).toBe(r.bytes);
    again.ack([1, 2, 3, 999]);
    expect(again.depth).toBe(7);
    expect(again.page(0, 100).map((row) => row.seq)).toEqual([4, 5, 6, 7, 8, 9, 10]);
  });

  it('cap policy: evicts priority 0 first, oldest first, and keeps priority 1 until only they remain', () => {
    const r = repo(1_000_000);
    const big = 'x'.repeat(9_800); // 9,906 bytes per row with overhead: the cap holds 100 rows
    for (let i = 0; i < 50; i += 1) r.append({ type: 'outage.start', body: { big }, priority: 1, at: AT });
    for (let i = 0; i < 50; i += 1) r.append({ type: 'clock.drift', body: { big }, priority: 0, at: AT });
    const res = r.append({ type: 'outage.end', body: { big }, priority: 1, at: AT });
    expect(res.dropped).toBeGreaterThan(0);
    expect(res.droppedSeqs?.first).toBe(51);
    const rows = r.page(0, 1000);
    expect(rows.filter((row) => row.priority === 1)).toHaveLength(51);
    expect(r.bytes).toBeLessThanOrEqual(r.capBytes);
  });

  it('a priority-0 event never evicts a priority-1 event: it is dropped itself', () => {
    const r = repo(1_000_000);
    const big = 'x'.repeat(9_900);
    for (let i = 0; i < 100; i += 1) r.append({ type: 'outage.start', body: { big }, priority: 1, at: AT });
    const before = r.page(0, 1000).filter((row) => row.priority === 1).length;
    const res = r.append({ type: 'clock.drift', body: { big }, priority: 0, at: AT });
    expect(res).toMatchObject({ stored: false, dropped: 1 });
    expect(r.page(0, 1000).filter((row) => row.priority === 1)).toHaveLength(before);
    expect(r.bytes).toBeLessThanOrEqual(r.capBytes);
  });
});
