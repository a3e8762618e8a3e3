import { type ClockReading, detectClockJump } from '../health/clockJump.js';
import {
  type HealthEvent,
  type HealthState,
  initialHealthState,
  reduceHealth,
} from '../health/healthMachine.js';
import { CRASH_LOOP_DEFAULTS, type HealthRules, streamCauseOf } from '../health/streamQuality.js';
import { parseSince } from '../health/timeWindow.js';
import type { WhyDoc } from '../health/whyReport.js';
import { isoTs } from '../shared/clock.js';
import type { CamgateEvents } from '../shared/events.js';
import type { Log } from '../shared/log.js';
import type { Service } from '../shared/service.js';
import type { CameraRecord, StreamStats } from '../shared/types.js';
import { HistoryRepo, type RebootGapResult } from '../store/historyRepo.js';
import type { WiringContext } from './modules.js';

/** Half a second: a stall is persisted within stallSeconds + 0.5 s of the last packet. */
export const HEALTH_TICK_MS = 500;

export function wireHealth(ctx: WiringContext): Service[] {
  return [new HealthService(ctx)];
}

interface Tracked {
  state: HealthState;
  /** Wall time of the last transition, for display (`since` in status and MQTT). */
  sinceIso: string;
}

/**
 * Runs the pure health machine per camera on `stream.sample` events and a tick, persists each
 * transition (with its outage) in one SQLite transaction, then announces it on the bus and the board.
 */
export class HealthService implements Service {
  readonly name = 'health';
  private readonly cameras = new Map<string, Tracked>();
  private readonly expectedFps = new Map<string, number>();
  private readonly history: HistoryRepo;
  private readonly rules: HealthRules;
  private readonly log: Log;
  private readonly unsubscribe: (() => void)[] = [];
  private timer: { cancel(): void } | undefined;
  private lastReading: ClockReading | undefined;
  private clockJumps = 0;
  private rebootGap: RebootGapResult | undefined;

  constructor(private readonly ctx: WiringContext) {
    this.history = new HistoryRepo(ctx.store.db);
    this.rules = { ...ctx.config.health, ...CRASH_LOOP_DEFAULTS };
    this.log = ctx.log.child({ module: 'health' });
  }

  async start(): Promise<void> {
    const { ctx } = this;
    this.rebootGap = this.history.closeRebootGaps(ctx.bootId, ctx.startedAt);
    if (this.rebootGap) {
      const { previousBootId, fromMs, toMs, clean, closed } = this.rebootGap;
      this.log.info(
        { previousBootId, gapMs: toMs - fromMs, clean, closedOutages: closed.length },
        'reboot gap recorded',
      );
    }
    this.unsubscribe.push(
      ctx.bus.on('stream.sample', (s) => this.onSample(s)),
      ctx.bus.on('inventory.changed', (e) => this.onInventory(e)),
    );
    this.lastReading = { wall: ctx.clock.now(), mono: ctx.clock.monotonic() };
    this.timer = ctx.clock.setInterval(() => this.tick(), HEALTH_TICK_MS);
    ctx.board.section('health', () => ({
      cameras: this.cameras.size,
      clockJumps: this.clockJumps,
      rebootGap: this.rebootGap
        ? { from: isoTs(this.rebootGap.fromMs), to: isoTs(this.rebootGap.toMs), clean: this.rebootGap.clean }
        : null,
    }));
    this.registerRoutes();
  }

  async stop(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /** Live state of one camera (tests, `why`). */
  state(cameraId: string): HealthState | undefined {
    return this.cameras.get(cameraId)?.state;
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
    const fps = expectedFpsOf(e.camera);
    if (fps === undefined) this.expectedFps.delete(id);
    else this.expectedFps.set(id, fps);
    if (this.cameras.has(id)) this.apply(id, { type: 'expectedFps', fps });
  }

  private removeCamera(id: string): void {
    const open = this.history.openOutage(id);
    if (open) this.history.closeOutage(open, 'removed', this.now());
    this.cameras.delete(id);
    this.expectedFps.delete(id);
  }

  private tick(): void {
    const reading = { wall: this.ctx.clock.now(), mono: this.ctx.clock.monotonic() };
    const prev = this.lastReading;
    this.lastReading = reading;
    const jump = prev ? detectClockJump(prev, reading) : undefined;
    if (jump !== undefined) {
      this.clockJumps += 1;
      this.log.warn({ jumpMs: jump }, 'wall clock stepped (NTP?); durations use the monotonic clock');
      this.guard('record clock jump', () =>
        this.history.recordClockJump(this.ctx.bootId, reading.wall, reading.mono, jump),
      );
      this.ctx.bus.emit('health.clockJump', { jumpMs: jump, at: reading.wall });
    }
    for (const id of this.cameras.keys()) this.apply(id, { type: 'tick' });
  }

  /**
   * Order matters: the store first (source of truth), then the board, then the bus, so a listener
   * of `health.transition` (the uplink's integration) already reads the new status on the board.
   */
  private apply(cameraId: string, event: HealthEvent): void {
    const mono = this.ctx.clock.monotonic();
    const tracked = this.cameras.get(cameraId) ?? this.track(cameraId, mono);
    const before = tracked.state;
    const { state, transitions } = reduceHealth(before, event, mono, this.rules);
    tracked.state = state;
    const wallMs = this.ctx.clock.now();
    for (const t of transitions) {
      tracked.sinceIso = isoTs(wallMs);
      const evidence = { detail: state.detail, stats: state.stats, expectedFps: state.expectedFps };
      // On a full disk the store holds it in memory and writes it, in order, when space returns.
      this.guard('persist transition', () =>
        this.ctx.store.writes.run('kept', 'history transition', () =>
          this.history.recordTransition({
            cameraId,
            ...t,
            evidence,
            bootId: this.ctx.bootId,
            wallMs,
            monoMs: mono,
          }),
        ),
      );
      this.log.info({ cameraId, from: t.from, to: t.to, reasons: t.reasons }, 'camera health changed');
    }
    if (transitions.length > 0 || state.reasons !== before.reasons || state.stats !== before.stats) {
      this.ctx.board.patchCamera(cameraId, {
        status: state.status,
        since: tracked.sinceIso,
        reasons: state.reasons,
        stream: boardStream(state),
      });
    }
    for (const t of transitions) {
      this.ctx.bus.emit('health.transition', {
        cameraId,
        from: t.from,
        to: t.to,
        reasons: t.reasons,
        at: wallMs,
      });
    }
  }

  private track(cameraId: string, mono: number): Tracked {
    const fps = this.expectedFps.get(cameraId);
    const tracked: Tracked = {
      state: { ...initialHealthState(mono), expectedFps: fps },
      sinceIso: this.ctx.board.camera(cameraId)?.since ?? isoTs(this.ctx.clock.now()),
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
    return { bootId: this.ctx.bootId, wallMs: this.ctx.clock.now(), monoMs: this.ctx.clock.monotonic() };
  }

  why(cameraId: string): WhyDoc {
    const tracked = this.cameras.get(cameraId);
    const row = this.ctx.board.camera(cameraId);
    if (!tracked && !row && !this.history.knowsCamera(cameraId)) {
      return { found: false, cameraId, source: 'daemon', transitions: [] };
    }
    const s = tracked?.state;
    const open = this.history.openOutage(cameraId);
    const now = this.now();
    const lastPacketAt =
      s?.lastPacketAt === undefined ? undefined : isoTs(now.wallMs - (now.monoMs - s.lastPacketAt));
    const status = s?.status ?? row?.status ?? 'unknown';
    const reasons = s?.reasons ?? row?.reasons ?? [];
    const integrated = row?.integrated ?? false;
    return {
      found: true,
      cameraId,
      source: 'daemon',
      status,
      since: tracked?.sinceIso ?? row?.since,
      reasons,
      integrated,
      // The integration wiring's cause when it has one; else the stream's own link in the chain.
      cause: integrated ? undefined : (row?.cause ?? streamCauseOf(status, reasons)),
      evidence: {
        lastPacketAt,
        stream: s?.stats ?? row?.stream,
        expectedFps: s?.expectedFps,
        detail: s?.detail,
        recording: row?.recording,
      },
      openOutage: open && {
        cause: open.cause,
        startedAt: open.startedAt,
        durationMs: Math.round(
          open.startedMonoMs !== null && open.bootId === now.bootId
            ? now.monoMs - open.startedMonoMs
            : now.wallMs - open.startedMs,
        ),
      },
      transitions: this.history.transitions(cameraId, 10),
    };
  }

  private registerRoutes(): void {
    const { control } = this.ctx;
    control.route('GET', '/why/:camera', (req) => this.why(req.params.camera ?? ''));
    control.route('GET', '/outages', (req) => ({
      outages: this.history.outages({
        cameraId: req.query.get('camera') ?? undefined,
        sinceMs: parseSince(req.query.get('since')),
      }),
    }));
    control.route('GET', '/uptime', (req) => this.uptime(req.query.get('from'), req.query.get('to')));
  }

  /** Uptime % per camera and the "restored" count over [from, to); defaults to the last 24 h. */
  uptime(from: string | null, to: string | null): unknown {
    const now = this.now();
    const toMs = parseSince(to, 'to') ?? now.wallMs;
    const fromMs = parseSince(from, 'from') ?? toMs - 86_400_000;
    const window = { fromMs, toMs };
    const ids = this.ctx.board.allCameras().map((c) => c.cameraId);
    const restored = this.history.restored(window, now);
    return {
      from: isoTs(fromMs),
      to: isoTs(toMs),
      cameras: this.history.uptime(window, now, ids),
      restored: { count: restored.length, cameras: restored },
    };
  }
}

/**
 * While a camera is down its last fps/bitrate/loss are history, not state: the centre would read
 * "25 fps" on an offline camera. Codec and resolution stay (they identify the stream); `why` keeps all.
 */
function boardStream(state: HealthState): StreamStats {
  const stats = state.stats ?? {};
  if (state.status !== 'offline' && state.status !== 'unauthorized') return stats;
  return { codec: stats.codec, width: stats.width, height: stats.height };
}

/** The fps the camera is configured to send; the sub profile is what the health session watches by default. */
export function expectedFpsOf(camera: CameraRecord): number | undefined {
  const withFps = camera.profiles.filter((p) => p.fps !== undefined && p.fps > 0);
  const pick = withFps.find((p) => p.role === 'sub') ?? withFps.find((p) => p.role === 'main') ?? withFps[0];
  return pick?.fps;
}
