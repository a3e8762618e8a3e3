import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLog } from '../../src/shared/log.js';
import { OutboxRepo } from '../../src/store/outboxRepo.js';
import { Store } from '../../src/store/store.js';
import { EventOutbox } from '../../src/uplink/eventOutbox.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 11, 5);
const CAP = 150_000;

interface Row {
  seq: number;
  type: string;
  camera_id: string | null;
  payload: string;
}

describe('outbox at its byte cap: flapping is folded before any transition is evicted', () => {
  it('500 down/up pairs of one camera in a day become one outage.summary with the exact down time; only then eviction, named', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-coalesce-'));
    dirs.push(dir);
    const store = Store.open({ dir, log: silentLog() });
    const outbox = new EventOutbox({
      repo: new OutboxRepo(store.db, CAP),
      log: silentLog(),
      onAppend: () => undefined,
    });
    const fields = { from: 'online', to: 'offline', reasons: ['stall'], kind: 'stream' };
    let dropped = 0;
    const rec = (type: 'outage.start' | 'outage.end', cameraId: string, at: number): void => {
      const before = outbox.dropped;
      outbox.record({ type, cameraId, fields, at });
      dropped += outbox.dropped - before;
    };
    // Another camera's real outage first (oldest: the first eviction victim if the policy were wrong).
    rec('outage.start', 'cam-steady', T0 + 10_000);
    rec('outage.end', 'cam-steady', T0 + 70_000);
    for (let i = 0; i < 500; i += 1) {
      rec('outage.start', 'cam-flappy', T0 + 100_000 + i * 120_000);
      rec('outage.end', 'cam-flappy', T0 + 100_000 + i * 120_000 + 30_000);
    }
    // An outage still open at the end stays as it is.
    rec('outage.start', 'cam-flappy', T0 + 80_000_000);
    expect(dropped).toBe(0);
    expect(outbox.repo.bytes).toBeLessThanOrEqual(CAP);
    const rows = store.db
      .prepare('SELECT seq, type, camera_id, payload FROM outbox ORDER BY seq')
      .all() as Row[];
    const summaries = rows.filter((r) => r.type === 'outage.summary');
    expect(summaries.length).toBeGreaterThan(0);
    // Exact uptime survives: outages and down time over every summary plus the pairs left as they were.
    const s = summaries.map(
      (r) =>
        JSON.parse(r.payload) as { outages: number; downMs: number; coalescedSeqs: number[]; day: string },
    );
    const leftPairs = rows.filter((r) => r.camera_id === 'cam-flappy' && r.type === 'outage.end').length;
    expect(s.reduce((n, x) => n + x.outages, 0) + leftPairs).toBe(500);
    expect(s.reduce((n, x) => n + x.downMs, 0)).toBe((500 - leftPairs) * 30_000);
    expect(s.every((x) => x.day === '2026-12-05')).toBe(true);
    expect(rows.filter((r) => r.camera_id === 'cam-steady').map((r) => r.type)).toEqual([
      'outage.start',
      'outage.end',
    ]);
    expect(rows[rows.length - 1]?.type).toBe('outage.start');
    expect(rows.some((r) => r.type === 'outbox.overflow')).toBe(false);

    // Nothing left to fold: now the oldest transitions go, and the alarm names them.
    for (let i = 0; i < 1200; i += 1) {
      rec(i % 2 === 0 ? 'outage.start' : 'outage.end', `cam-${i}`, T0 + 90_000_000 + i * 1000);
    }
    expect(dropped).toBeGreaterThan(0);
    const after = store.db
      .prepare('SELECT seq, type, camera_id, payload FROM outbox ORDER BY seq')
      .all() as Row[];
    const alarm = after.find((r) => r.type === 'outbox.overflow');
    const body = JSON.parse(alarm?.payload ?? '{}') as {
      droppedTypes: Record<string, number>;
      firstDroppedSeq: number;
    };
    expect(body.droppedTypes['outage.start']).toBeGreaterThan(0);
    // The oldest went first: the steady camera's outage (seq 1, 2).
    expect(body.firstDroppedSeq).toBe(1);
    expect(outbox.repo.bytes).toBeLessThanOrEqual(CAP);
    store.close();
  });
});
