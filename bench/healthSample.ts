/**
 * CPU per `stream.sample` in the health machine alone (the pure reducer, `packets` samples of a
 * live camera and its 500 ms ticks), the per-camera cost that runs once a second per watched
 * camera (#14: 17 % of the daemon's node CPU at N=256 in a --cpu-prof of the health path).
 * CPU time of this process (process.cpuUsage), so a loaded box changes it less than wall time.
 * `withBoard`: also what HealthService does with each result, CameraStates.stream onto a board
 * of `cameras` rows (integration, the LPR and picture overlays, the row patch), no listeners.
 * Usage: npx tsx bench/healthSample.ts [cameras 1024] [seconds 600]
 */
import { CameraStates } from '../src/app/cameraStates.js';
import { StatusBoard } from '../src/app/statusBoard.js';
import { type HealthState, initialHealthState, reduceHealth } from '../src/health/healthMachine.js';
import { CRASH_LOOP_DEFAULTS, type HealthRules } from '../src/health/streamQuality.js';
import { systemClock } from '../src/shared/clock.js';
import { EventBus } from '../src/shared/events.js';
import type { StreamStats } from '../src/shared/types.js';

const cameras = Number(process.argv[2] ?? '1024');
const seconds = Number(process.argv[3] ?? '600');
const rounds = 5;
const rules: HealthRules = {
  stallSeconds: 3,
  minFpsRatio: 0.5,
  maxLossPct: 5,
  maxKeyframeIntervalSeconds: 10,
  hysteresisSeconds: 10,
  ...CRASH_LOOP_DEFAULTS,
};
const stats = (i: number): StreamStats => ({
  codec: 'H264',
  width: 1920,
  height: 1080,
  fps: 15 + (i % 3) * 0.1,
  bitrateKbps: 2048 + (i % 7),
  lossPct: 0,
  keyframeIntervalS: 2,
});

function run(withBoard: boolean): { samples: number; cpuUs: number } {
  const states: HealthState[] = Array.from({ length: cameras }, () => initialHealthState(0));
  const board = new StatusBoard();
  const views = new CameraStates({ board, bus: new EventBus(), clock: systemClock });
  for (let c = 0; c < cameras; c++) {
    board.upsertCamera({
      cameraId: `cam-${c}`,
      address: '127.0.0.1',
      class: 'overview',
      source: 'static',
      status: 'unknown',
      since: '2026-12-05T10:00:00.000Z',
      reasons: [],
      stream: {},
      recording: { status: 'off' },
      integrated: false,
    });
  }
  for (let c = 0; c < cameras; c++) {
    const s0 = states[c] as HealthState;
    const s1 = reduceHealth(s0, { type: 'expectedFps', fps: 15 }, 0, rules).state;
    states[c] = reduceHealth(s1, { type: 'sample', kind: 'connected' }, 0, rules).state;
  }
  let samples = 0;
  const t0 = process.cpuUsage();
  for (let sec = 1; sec <= seconds; sec++) {
    for (let c = 0; c < cameras; c++) {
      const now = sec * 1000 + c;
      let s = states[c] as HealthState;
      s = reduceHealth(s, { type: 'sample', kind: 'packets', stats: stats(sec + c) }, now, rules).state;
      if (withBoard)
        views.stream(
          `cam-${c}`,
          { status: s.status, since: '2026-12-05T10:00:00.000Z', reasons: s.reasons, stream: s.stats ?? {} },
          [],
        );
      s = reduceHealth(s, { type: 'tick' }, now + 250, rules).state;
      s = reduceHealth(s, { type: 'tick' }, now + 750, rules).state;
      states[c] = s;
      samples += 1;
    }
  }
  const d = process.cpuUsage(t0);
  if (states.some((s) => s.status !== 'online')) throw new Error('a camera left online');
  return { samples, cpuUs: d.user + d.system };
}

function median(withBoard: boolean): { ns: number; rounds: number[] } {
  const perSample: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const { samples, cpuUs } = run(withBoard);
    perSample.push((cpuUs * 1000) / samples);
  }
  perSample.sort((a, b) => a - b);
  return { ns: Math.round(perSample[Math.floor(rounds / 2)] ?? 0), rounds: perSample.map(Math.round) };
}

const machine = median(false);
const withBoard = median(true);
console.log(
  JSON.stringify({
    bench: 'healthSample',
    cameras,
    seconds,
    nsPerSampleWithTwoTicks: machine.ns,
    nsPerSampleWithBoard: withBoard.ns,
    rounds: { machine: machine.rounds, withBoard: withBoard.rounds },
  }),
);
