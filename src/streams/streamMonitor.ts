import type { Clock } from '../shared/clock.js';
import type { EventBus } from '../shared/events.js';
import type { Log } from '../shared/log.js';
import type { Net } from '../shared/net.js';
import type { Service } from '../shared/service.js';
import { CameraSupervisor, type SupervisorOptions } from './cameraSupervisor.js';
import type { KeyframeGrab, KeyframeRequest } from './rtsp/keyframeCapture.js';
import { ReadPacer } from './rtsp/readPacer.js';
import { type PortRange, UdpPortPool } from './rtsp/udpPortPool.js';
import { type StreamTarget, sameTarget } from './streamTarget.js';
import { Ticker } from './ticker.js';

export interface StreamMonitorDeps {
  readonly clock: Clock;
  readonly net: Net;
  readonly log: Log;
  readonly events: EventBus;
  /** Runs each shared tick (every session's stall check and sample): `Store.batch` in the daemon. */
  readonly aroundTick?: (fire: () => void) => void;
}

export interface StreamMonitorOptions extends Partial<SupervisorOptions> {
  /** config `health.stallSeconds`: no new frame this long = stall. */
  readonly stallSeconds: number;
  /** Period of the one shared tick (stall checks, keepalives, samples). */
  readonly tickMs?: number;
  /** config `streams.udpPortRange`: local ports for cameras watched over UDP; absent, the OS picks. */
  readonly udpPortRange?: PortRange;
}

const DEFAULTS: Omit<SupervisorOptions, 'stallMs'> = {
  sampleEveryMs: 1000,
  connectTimeoutMs: 5000,
  stepTimeoutMs: 10_000,
  backoff: { initialMs: 1000, maxMs: 60_000, jitter: 0.5 },
  crashLoop: { limit: 10, stableMs: 30_000, pauseMs: 300_000 },
};

/**
 * Watches every camera stream in this one process: a supervisor loop per camera, one shared
 * ticker for all of them. Emits `stream.sample` on the EventBus; knows nothing of health or MQTT.
 */
export class StreamMonitor implements Service {
  readonly name = 'streams';
  private readonly supervisors = new Map<string, { target: StreamTarget; supervisor: CameraSupervisor }>();
  private readonly ticker: Ticker;
  private readonly options: SupervisorOptions;
  private readonly udpPorts: UdpPortPool;
  private readonly readPacer: ReadPacer;
  private running = false;
  private pending: StreamTarget[];

  constructor(
    private readonly deps: StreamMonitorDeps,
    options: StreamMonitorOptions,
    targets: readonly StreamTarget[] = [],
  ) {
    const tickMs = options.tickMs ?? Math.min(250, (options.stallSeconds * 1000) / 8);
    const log = deps.log.child({ module: 'streams' });
    this.ticker = new Ticker(
      deps.clock,
      tickMs,
      (err) => log.error({ err }, 'stream tick failed'),
      deps.aroundTick,
    );
    const { udpPortRange, ...rest } = options;
    this.options = { ...DEFAULTS, ...rest, stallMs: options.stallSeconds * 1000 };
    this.udpPorts = new UdpPortPool(deps.net, udpPortRange);
    // Unread for at most one tick (and the pacer's step): a stall is known that much later at most.
    this.readPacer = new ReadPacer(deps.clock, { maxMs: tickMs });
    this.pending = [...targets];
  }

  async start(signal: AbortSignal): Promise<void> {
    this.running = true;
    signal.addEventListener('abort', () => void this.stop(), { once: true });
    await this.setTargets(this.pending);
  }

  async stop(): Promise<void> {
    this.running = false;
    const all = [...this.supervisors.values()];
    this.supervisors.clear();
    await Promise.all(all.map((s) => s.supervisor.stop()));
  }

  /** Adds, restarts (changed URL/credential/mode) and removes supervisors to match `targets`. */
  async setTargets(targets: readonly StreamTarget[]): Promise<void> {
    this.pending = [...targets];
    if (!this.running) return;
    const wanted = new Map(targets.map((t) => [t.cameraId, t]));
    const work: Promise<void>[] = [];
    for (const [id, entry] of this.supervisors) {
      if (wanted.has(id)) continue;
      this.supervisors.delete(id);
      work.push(entry.supervisor.stop());
    }
    for (const target of wanted.values()) {
      const entry = this.supervisors.get(target.cameraId);
      if (!entry) {
        const supervisor = new CameraSupervisor(
          target,
          { ...this.deps, ticker: this.ticker, udpPorts: this.udpPorts, readPacer: this.readPacer },
          this.options,
        );
        this.supervisors.set(target.cameraId, { target, supervisor });
        supervisor.start();
      } else if (!sameTarget(entry.target, target)) {
        entry.target = target;
        work.push(entry.supervisor.update(target));
      }
    }
    await Promise.all(work);
  }

  /** The RTP transport each camera last played over; recording, snapshots and live follow it. */
  transportOf(cameraId: string): 'tcp' | 'udp' | undefined {
    return this.supervisors.get(cameraId)?.supervisor.transport;
  }

  /** The next keyframes of a camera's playing session (picture checks); undefined when it has none. */
  captureKeyframes(cameraId: string, request: KeyframeRequest): KeyframeGrab | undefined {
    return this.supervisors.get(cameraId)?.supervisor.captureKeyframes(request);
  }

  /** UDP port pairs held by sessions now (every session end returns its pair). */
  get udpPairsHeld(): number {
    return this.udpPorts.held;
  }

  /** Session phase per camera, for status and tests. */
  phases(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [id, entry] of this.supervisors) out[id] = entry.supervisor.phase;
    return out;
  }
}
