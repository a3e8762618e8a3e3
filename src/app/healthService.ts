import { buildWhy } from '../health/buildWhy.js';
import {
  HEALTH_TICK_MS,
  type HealthEvent,
  type HealthState,
  initialHealthState,
  nextTick,
  reduceHealth,
  type TickTimes,
} from '../health/healthMachine.js';
import { isDown } from '../health/outage.js';
import type { HealthRules } from '../health/streamQuality.js';
import type { WhyDoc } from '../health/whyReport.js';
import { type Clock, isoTs } from '../shared/clock.js';
import type { CamgateEvents, EventBus } from '../shared/events.js';
import type { Log } from '../shared/log.js';
import type { Service } from '../shared/service.js';
import { SlicedPass } from '../shared/slicedPass.js';
import type { CameraRecord } from '../shared/types.js';
import type { HistoryRepo, RebootGapResult } from '../store/historyRepo.js';
import type { PendingWrites } from '../store/pendingWrites.js';
import { CameraStates } from './cameraStates.js';
import { ClockWatch } from './clockWatch.js';
import {
  boardStream,
  expectedFpsOf,
  interrogationDetail,
  interrogationSample,
  withInterrogation,
} from './healthInputs.js';
import type { StatusBoard } from './statusBoard.js';

export { expectedFpsOf, onvifAuthCall } from './healthInputs.js';
/** Defined beside `nextTick`, which judges late ticks against it; exported here as before. */
export { HEALTH_TICK_MS };

/** Longest run of camera ticks in one task (the event loop must not block > 50 ms, #14). */
const TICK_SLICE_MS = 8;

export interface HealthServiceDeps {
  readonly clock: Clock;
  readonly log: Log;
  readonly bus: EventBus;
  readonly board: StatusBoard;
  readonly history: HistoryRepo;
  readonly rules: HealthRules;
  readonly bootId: string;
  /** The store's disk-full guard: transitions wait in memory while the database's disk is full. */
  readonly writes?: PendingWrites;
  /** One commit for the writes of `fn` (`Store.batch`): a tick that stalls 1,024 cameras (#14). */
  readonly batch?: <T>(fn: () => T) => T;
  /** Wall ms this boot started: where the previous boot's open outages end at the latest. */
  readonly startedAt: number;
  /** The camera directory at start (cameras listed by earlier boots). */
  readonly cameras?: () => readonly CameraRecord[];
}

interface Tracked {
  state: HealthState;
  /** Wall time of the last transition, for display (`since` in status and MQTT). */
  sinceIso: string;
  /** This camera's last tick: a late one means the loop was blocked. */
  ticks?: TickTimes;
}

/**
 * Runs the pure health machine per camera on `stream.sample` events and a tick, persists each
 * transition (with its outage) in one SQLite transaction, then hands the camera's new state to
 * CameraStates, which also hears recording and uplink and decides integration. The tick also
 * watches the wall clock for steps.
 */
export class HealthService implements Service {
  readonly name = 'health';
  private readonly cameras = new Map<string, Tracked>();
  private readonly expectedFps = new Map<string, number>();
  /** Each camera's last interrogation problem, as `why` evidence (it need not change the status). */
  private readonly interrogationProblems = new Map<string, string>();
  private readonly states: CameraStates;
  private readonly log: Log;
  private readonly unsubscribe: (() => void)[] = [];
  private timer: { cancel(): void } | undefined;
  private readonly clockWatch: ClockWatch;
  private rebootGap: RebootGapResult | undefined;
  /** Health ticks since start (the board's `health.ticks`): proof that time passed under watch. */
  private ticks = 0;
  /** Every camera's tick, in slices that each commit once (#14: 1,024 cameras in one task blocked the loop). */
  private readonly pass: SlicedPass<string>;

  constructor(private readonly deps: HealthServiceDeps) {
    this.log = deps.log.child({ module: 'health' });
    this.states = new CameraStates({ board: deps.board, bus: deps.bus, clock: deps.clock });
    this.clockWatch = new ClockWatch({ ...deps, log: this.log, guard: (what, fn) => this.guard(what, fn) });
    const batch = deps.batch;
    this.pass = new SlicedPass(deps.clock, {
      budgetMs: TICK_SLICE_MS,
      around: batch ? (fire) => batch(fire) : undefined,
      onError: (err) => this.log.error({ err }, 'health tick failed'),
    });
  }

  async start(): Promise<void> {
    const { bus, clock, board } = this.deps;
    this.rebootGap = this.deps.history.closeRebootGaps(this.deps.bootId, this.deps.startedAt);
    if (this.rebootGap) {
      const { previousBootId, fromMs, toMs, clean, closed } = this.rebootGap;
      this.log.info(
        { previousBootId, gapMs: toMs - fromMs, clean, closedOutages: closed.length },
        'reboot gap recorded',
      );
    }
    this.unsubscribe.push(
      bus.on('stream.sample', (s) => this.onSample(s)),
      bus.on('inventory.changed', (e) => this.onInventory(e)),
      bus.on('uplink.state', (u) => this.states.uplink(u)),
      bus.on('picture.verdict', (p) => this.states.picture(p.cameraId, p.view, p.at, p.resumed)),
      bus.on('lpr.status', (l) => this.states.lpr(l)),
    );
    // Cameras listed before this boot whose last interrogation was refused: the next sweep finds
    // nothing new about them, so no inventory event would tell health.
    for (const camera of this.deps.cameras?.() ?? []) this.interrogationEvidence(camera);
    this.states.settleAll();
    this.clockWatch.start();
    this.timer = clock.setInterval(() => this.tick(), HEALTH_TICK_MS);
    board.section('health', () => ({
      cameras: this.cameras.size,
      clockJumps: this.clockWatch.jumps,
      ticks: this.ticks,
      rebootGap: this.rebootGap
        ? { from: isoTs(this.rebootGap.fromMs), to: isoTs(this.rebootGap.toMs), clean: this.rebootGap.clean }
        : null,
    }));
  }

  /**
   * Recording statuses, heard from wiring time on, not from start(): the recording service reports
   * each camera's first status (`off` for a camera not recorded, an edge camera it cannot verify)
   * during its own start(), which runs before this one. CameraStates missed those, and the board
   * was right only because wireRecording wrote them too.
   */
  hearRecording(): void {
    this.unsubscribe.push(this.deps.bus.on('recording.status', (r) => this.states.recordingStatus(r)));
  }

  async stop(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
    this.pass.cancel();
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /** Live state of one camera (tests, `why`). */
  state(cameraId: string): HealthState | undefined {
    return this.cameras.get(cameraId)?.state;
  }

  /** The answer of `GET /why/:camera`. */
  why(cameraId: string): WhyDoc {
    const { history, board } = this.deps;
    const tracked = this.cameras.get(cameraId);
    const row = board.camera(cameraId);
    const known = tracked !== undefined || row !== undefined || history.knowsCamera(cameraId);
    const doc = buildWhy({
      cameraId,
      now: this.now(),
      daemon: { live: tracked && { state: tracked.state, sinceIso: tracked.sinceIso }, row },
      history: {
        known,
        transitions: known ? history.transitions(cameraId, 10) : [],
        openOutage: known ? history.openOutage(cameraId) : undefined,
      },
    });
    return withInterrogation(doc, this.interrogationProblems.get(cameraId));
  }

  private onSample(s: CamgateEvents['stream.sample']): void {
    this.apply(s.cameraId, { type: 'sample', kind: s.kind, stats: s.stats, detail: s.detail });
  }

  private onInventory(e: CamgateEvents['inventory.changed']): void {
    const id = e.camera.id;
    if (e.type === 'camera.removed') {
      this.removeCamera(id);
      return;
    }
    // Another unit under a new id: the old id left the camera directory and is no longer watched
    // (left alone it would stall into an outage of a camera that is gone).
    if (e.type === 'camera.replaced' && e.previous && e.previous.id !== id) this.removeCamera(e.previous.id);
    const fps = expectedFpsOf(e.camera);
    if (fps === undefined) this.expectedFps.delete(id);
    else this.expectedFps.set(id, fps);
    if (this.cameras.has(id)) this.apply(id, { type: 'expectedFps', fps });
    this.interrogationEvidence(e.camera);
    this.states.inventory(id);
  }

  /**
   * What the last interrogation proved about a camera (issue #12: `unknown` only without evidence).
   * An ONVIF 401 / NotAuthorized on a call discovery needs: the camera answers and refuses our
   * password (it stayed `unknown` / `camera_offline`, and the centre sent someone for a dead
   * camera). A camera found but never answering ONVIF, with no stream URI to watch: unreachable.
   * A camera that answered some calls and timed out on a later one (GetProfiles on a loaded camera)
   * is not offline: it stays as its stream says, the timeout only shows in `why`. Video still
   * flowing (RTSP has its own account on some cameras) overrides all of it: the centre gets a
   * picture, and the stream's own 401 or silence would say otherwise.
   */
  private interrogationEvidence(camera: CameraRecord): void {
    const detail = interrogationDetail(camera);
    if (detail === undefined) this.interrogationProblems.delete(camera.id);
    else this.interrogationProblems.set(camera.id, detail);
    const sample = interrogationSample(camera, this.cameras.get(camera.id)?.state.status);
    if (sample !== undefined) this.apply(camera.id, sample);
  }

  private removeCamera(id: string): void {
    const open = this.deps.history.openOutage(id);
    if (open) this.deps.history.closeOutage(open, 'removed', this.now());
    this.cameras.delete(id);
    this.expectedFps.delete(id);
    this.interrogationProblems.delete(id);
    this.states.forget(id);
  }

  private tick(): void {
    this.ticks += 1;
    this.clockWatch.check();
    this.pass.run(
      [...this.cameras.keys()],
      (id) => this.apply(id, { type: 'tick' }),
      (id) => this.cameras.has(id),
    );
  }

  /**
   * Order matters: the store first (source of truth), then the board, then the bus, so a listener
   * of `health.transition` already reads the new status and integration on the board.
   */
  private apply(cameraId: string, event: HealthEvent): void {
    const { clock, history, bootId } = this.deps;
    const mono = clock.monotonic();
    const tracked = this.cameras.get(cameraId) ?? this.track(cameraId, mono);
    const before = tracked.state;
    const tick = event.type === 'tick' ? nextTick(tracked.ticks, mono) : undefined;
    if (tick) tracked.ticks = tick.ticks;
    const e: HealthEvent = tick ? { type: 'tick', blockedMs: tick.blockedMs } : event;
    const { state, transitions } = reduceHealth(before, e, mono, this.deps.rules);
    tracked.state = state;
    const wallMs = clock.now();
    for (const t of transitions) {
      tracked.sinceIso = isoTs(wallMs);
      const evidence = { detail: state.detail, stats: state.stats, expectedFps: state.expectedFps };
      const persist = (): void => {
        history.recordTransition({
          cameraId,
          ...t,
          stillDown: isDown(t.from) && isDown(t.to),
          evidence,
          bootId,
          wallMs,
          monoMs: mono,
        });
      };
      // On a full disk the store holds it in memory and writes it, in order, when space returns.
      const writes = this.deps.writes;
      this.guard('persist transition', () =>
        writes ? writes.run('kept', 'history transition', persist) : persist(),
      );
      this.log.info({ cameraId, from: t.from, to: t.to, reasons: t.reasons }, 'camera health changed');
    }
    if (transitions.length === 0 && state.reasons === before.reasons && state.stats === before.stats) return;
    this.states.stream(
      cameraId,
      { status: state.status, since: tracked.sinceIso, reasons: state.reasons, stream: boardStream(state) },
      transitions.map((t) => ({
        cameraId,
        from: t.from,
        to: t.to,
        reasons: t.reasons,
        outage: t.outage,
        at: wallMs,
      })),
    );
  }

  private track(cameraId: string, mono: number): Tracked {
    const fps = this.expectedFps.get(cameraId);
    const tracked: Tracked = {
      state: { ...initialHealthState(mono), expectedFps: fps },
      sinceIso: this.deps.board.camera(cameraId)?.since ?? isoTs(this.deps.clock.now()),
    };
    this.cameras.set(cameraId, tracked);
    return tracked;
  }

  /** A store failure must not stop health tracking; it is logged as an error, the bus still hears of it. */
  private guard(what: string, fn: () => unknown): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err }, `health: could not ${what}`);
    }
  }

  private now(): { bootId: string; wallMs: number; monoMs: number } {
    const { clock, bootId } = this.deps;
    return { bootId, wallMs: clock.now(), monoMs: clock.monotonic() };
  }
}
