import type Database from 'better-sqlite3';

type Db = Database.Database;

/** A camera needs this many complete down/up pairs in a day before they are folded into one summary. */
const MIN_PAIRS = 3;

export interface CoalesceOps {
  /** Deletes a row; returns its bytes (0 when absent). */
  remove(seq: number): number;
  /** Inserts the summary row (priority 1); returns its bytes. */
  insert(row: { type: string; cameraId: string; body: Record<string, unknown>; at: number }): number;
}

interface Row {
  readonly seq: number;
  readonly type: string;
  readonly payload: string;
}

interface Pair {
  readonly startMs: number;
  readonly endMs: number;
  readonly seqs: readonly [number, number];
  readonly kind: unknown;
}

/**
 * Before the byte cap evicts a single transition: a camera that went down and up hundreds of times
 * becomes one `outage.summary` per UTC day (count, total down time, first start, last end, and the
 * seqs it replaces), so the centre still computes exact uptime from what it receives. Only complete
 * start→end pairs are folded; an outage still open stays as it is. Returns the bytes freed.
 */
export function coalesceFlapping(
  db: Db,
  ops: CoalesceOps,
  needBytes: number,
): { freed: number; folded: number } {
  const cameras = db
    .prepare(
      `SELECT camera_id AS cameraId, COUNT(*) AS n FROM outbox
        WHERE priority = 1 AND camera_id IS NOT NULL AND type IN ('outage.start', 'outage.end')
        GROUP BY camera_id HAVING n >= ? ORDER BY n DESC`,
    )
    .all(MIN_PAIRS * 2) as { cameraId: string; n: number }[];
  const rowsOf = db.prepare(
    `SELECT seq, type, payload FROM outbox
      WHERE priority = 1 AND camera_id = ? AND type IN ('outage.start', 'outage.end') ORDER BY seq`,
  );
  let freed = 0;
  let folded = 0;
  for (const { cameraId } of cameras) {
    if (freed >= needBytes) break;
    for (const [day, pairs] of byDay(pairsOf(rowsOf.all(cameraId) as Row[]))) {
      if (pairs.length < MIN_PAIRS) continue;
      const seqs = pairs.flatMap((p) => p.seqs);
      for (const seq of seqs) freed += ops.remove(seq);
      const first = pairs[0];
      const last = pairs[pairs.length - 1];
      if (!first || !last) continue;
      freed -= ops.insert({
        type: 'outage.summary',
        cameraId,
        body: {
          kind: first.kind,
          day,
          outages: pairs.length,
          downMs: pairs.reduce((sum, p) => sum + (p.endMs - p.startMs), 0),
          first: new Date(first.startMs).toISOString(),
          last: new Date(last.endMs).toISOString(),
          coalescedSeqs: seqs,
          ts: new Date(last.endMs).toISOString(),
        },
        at: last.endMs,
      });
      folded += seqs.length;
    }
  }
  return { freed, folded };
}

/** Complete start→end pairs in seq order; a start left open, or an end without its start, is not paired. */
function pairsOf(rows: readonly Row[]): Pair[] {
  const pairs: Pair[] = [];
  let open: { seq: number; ms: number; kind: unknown } | undefined;
  for (const r of rows) {
    const body = JSON.parse(r.payload) as { ts?: string; kind?: unknown };
    const ms = Date.parse(body.ts ?? '');
    if (!Number.isFinite(ms)) {
      open = undefined;
      continue;
    }
    if (r.type === 'outage.start') open = { seq: r.seq, ms, kind: body.kind ?? null };
    else if (open && ms >= open.ms) {
      pairs.push({ startMs: open.ms, endMs: ms, seqs: [open.seq, r.seq], kind: open.kind });
      open = undefined;
    }
  }
  return pairs;
}

function byDay(pairs: readonly Pair[]): Map<string, Pair[]> {
  const days = new Map<string, Pair[]>();
  for (const p of pairs) {
    const day = new Date(p.startMs).toISOString().slice(0, 10);
    days.set(day, [...(days.get(day) ?? []), p]);
  }
  return days;
}
