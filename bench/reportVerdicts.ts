/**
 * `camgate report`'s first-verdict lookup (not_yet_seen time is unknown, not uptime):
 * `npx tsx bench/reportVerdicts.ts [--transitions 1000000] [--cameras 1024] [--boots 20] [--window 2]`.
 * Many boots (a crash-looping daemon): `--boots 1000 --transitions 2048000 --window 1000`.
 * Fills an in-memory store's transitions table through the migrations (its real indexes; each
 * camera's first transition of each boot is out of `unknown`, as the health machine writes it), then
 * times ReportRepo.firstVerdicts (one query per boot) over the window of the last `--window` boots,
 * against the one seek per camera and boot it replaced, and buildReportInput's unseen spans.
 * Quote the load average beside the figures.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { parseConfigText } from '../src/config/load.js';
import { buildReportInput } from '../src/report/input.js';
import { systemClock } from '../src/shared/clock.js';
import { silentLog } from '../src/shared/log.js';
import { ReportRepo } from '../src/store/reportRepo.js';
import { Store } from '../src/store/store.js';

const { values } = parseArgs({
  options: {
    transitions: { type: 'string', default: '1000000' },
    cameras: { type: 'string', default: '1024' },
    boots: { type: 'string', default: '20' },
    window: { type: 'string', default: '2' },
  },
});
const N = Number(values.transitions);
const CAMERAS = Number(values.cameras);
const BOOTS = Number(values.boots);
const WINDOW_BOOTS = Math.min(BOOTS, Number(values.window));
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
   VALUES (?, ?, ?, ?, 'offline', '[]', ?)`,
);
db.transaction(() => {
  for (let b = 0; b < BOOTS; b++) {
    const start = T0 + b * perBoot * STEP_MS;
    boot.run(`boot-${b}`, new Date(start).toISOString(), start, start + perBoot * STEP_MS, 'bench');
  }
  for (let i = 0; i < N; i++) {
    const ms = T0 + i * STEP_MS;
    const from = i % perBoot < CAMERAS ? 'unknown' : 'online';
    transition.run(
      `cam-${i % CAMERAS}`,
      new Date(ms).toISOString(),
      ms,
      from,
      `boot-${Math.floor(i / perBoot)}`,
    );
  }
})();

const repo = new ReportRepo(db);
const boots = repo.boots();
const ids = Array.from({ length: CAMERAS }, (_, i) => `cam-${i}`);
const inWindow = boots.slice(-WINDOW_BOOTS);
const window = { fromMs: inWindow[0]?.startedMs ?? T0, toMs: inWindow.at(-1)?.lastAliveMs ?? T0 };

const t0 = systemClock.monotonic();
const verdicts = repo.firstVerdicts(ids, boots, window.fromMs, window.toMs);
const queryMs = systemClock.monotonic() - t0;
// What it replaced: one index seek per camera and boot (transitions_camera_at).
const seek = db
  .prepare('SELECT at FROM transitions WHERE camera_id = ? AND at >= ? AND boot_id = ? ORDER BY at LIMIT 1')
  .pluck();
const t1 = systemClock.monotonic();
let seekRows = 0;
for (const b of inWindow) {
  for (const id of ids)
    if (seek.get(id, new Date(b.startedMs).toISOString(), b.bootId) !== undefined) seekRows++;
}
const seekMs = systemClock.monotonic() - t1;
const config = parseConfigText('site: { id: s1, name: Site }\ngateway: { id: gw-1 }\n', 'bench.yaml');
const cameras = ids.map((id) => ({
  id,
  class: 'overview',
  firstSeenAt: new Date(T0).toISOString(),
  removedAt: null,
}));
const t2 = systemClock.monotonic();
const input = buildReportInput(
  config,
  { cameras, outages: [], boots, firstVerdicts: verdicts, clockSteps: [] },
  window,
  window.toMs,
);
const spansMs = systemClock.monotonic() - t2;
store.close();

const load = os.loadavg().map((l) => l.toFixed(2));
console.log(
  `${N} transitions, ${CAMERAS} cameras, ${BOOTS} boots (window: last ${WINDOW_BOOTS}): firstVerdicts ${verdicts.length} rows in ${queryMs.toFixed(0)} ms (one query per boot); one seek per camera and boot ${seekRows} rows in ${seekMs.toFixed(0)} ms; unseen spans ${input.unseen?.length} in ${spansMs.toFixed(0)} ms; load ${load.join(' ')}`,
);
console.log(
  JSON.stringify({
    transitions: N,
    cameras: CAMERAS,
    boots: BOOTS,
    window: WINDOW_BOOTS,
    queryMs,
    seekMs,
    spansMs,
    load,
  }),
);
