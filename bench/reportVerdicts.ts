/**
 * `camgate report`'s first-verdict lookup (not_yet_seen time is unknown, not uptime):
 * `npx tsx bench/reportVerdicts.ts [--transitions 1000000] [--cameras 1024] [--boots 20]`.
 * Fills an in-memory store's transitions table through the migrations (its real index), then
 * times ReportRepo.firstVerdicts over the window of the last two boots, against the one
 * GROUP BY over the whole table it replaced. Quote the load average beside the figures.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { systemClock } from '../src/shared/clock.js';
import { silentLog } from '../src/shared/log.js';
import { ReportRepo } from '../src/store/reportRepo.js';
import { Store } from '../src/store/store.js';

const { values } = parseArgs({
  options: {
    transitions: { type: 'string', default: '1000000' },
    cameras: { type: 'string', default: '1024' },
    boots: { type: 'string', default: '20' },
  },
});
const N = Number(values.transitions);
const CAMERAS = Number(values.cameras);
const BOOTS = Number(values.boots);
const T0 = Date.UTC(2026, 0, 1);
const STEP_MS = 1000;
const perBoot = Math.ceil(N / BOOTS);

const store = Store.open({ dir: ':memory:', log: silentLog() });
const db = store.db;
const boot = db.prepare(
  'INSERT INTO boots (boot_id, started_at, started_ms, last_alive_ms, version) VALUES (?, ?, ?, ?, ?)',
);
const transition = db.prepare(
  `INSERT INTO transitions (camera_id, at, at_ms, from_status, to_status, reasons_json, boot_id)
   VALUES (?, ?, ?, 'online', 'offline', '[]', ?)`,
);
db.transaction(() => {
  for (let b = 0; b < BOOTS; b++) {
    const start = T0 + b * perBoot * STEP_MS;
    boot.run(`boot-${b}`, new Date(start).toISOString(), start, start + perBoot * STEP_MS, 'bench');
  }
  for (let i = 0; i < N; i++) {
    const ms = T0 + i * STEP_MS;
    transition.run(`cam-${i % CAMERAS}`, new Date(ms).toISOString(), ms, `boot-${Math.floor(i / perBoot)}`);
  }
})();

const repo = new ReportRepo(db);
const boots = repo.boots();
const ids = Array.from({ length: CAMERAS }, (_, i) => `cam-${i}`);
const last2 = boots.slice(-2);
const window = { fromMs: last2[0]?.startedMs ?? T0, toMs: last2[1]?.lastAliveMs ?? T0 };

const t0 = systemClock.monotonic();
const seeks = repo.firstVerdicts(ids, boots, window.fromMs, window.toMs);
const seekMs = systemClock.monotonic() - t0;
const t1 = systemClock.monotonic();
const grouped = db
  .prepare('SELECT camera_id, boot_id, MIN(at) AS at FROM transitions GROUP BY camera_id, boot_id')
  .all();
const groupMs = systemClock.monotonic() - t1;
store.close();

const load = os.loadavg().map((l) => l.toFixed(2));
console.log(
  `${N} transitions, ${CAMERAS} cameras, ${BOOTS} boots (window: last 2): firstVerdicts ${seeks.length} rows in ${seekMs.toFixed(0)} ms; whole-table GROUP BY ${grouped.length} rows in ${groupMs.toFixed(0)} ms; load ${load.join(' ')}`,
);
console.log(JSON.stringify({ transitions: N, cameras: CAMERAS, boots: BOOTS, seekMs, groupMs, load }));
