import type dgram from 'node:dgram';
import type { Clock } from '../shared/clock.js';
import { errorMessage } from '../shared/errors.js';
import type { Log } from '../shared/log.js';
import type { Net } from '../shared/net.js';
import type { ProbeInterface } from './interfaces.js';
import type { DiscoveredTarget } from './interrogate.js';
import { acceptMatch } from './prober.js';
import { parseDiscoveryMessage, WSD_MULTICAST, WSD_PORT } from './wsDiscovery.js';

export interface HelloHandlers {
  hello(target: DiscoveredTarget): void;
  bye(endpointRef: string, source: string): void;
}

/**
 * Datagrams parsed per second, all sources together, and per source. Hellos are rare (a camera
 * booting); a flood is cut here, before the XML parse that would otherwise take the event loop
 * (10,000 Hellos in 10 s held the control API for 450 ms).
 */
const PARSED_PER_SECOND = 50;
/** A camera sends Hello and, on a quick restart, Bye and Hello again: a small burst per source passes. */
const PER_SOURCE_PER_SECOND = 3;
const MAX_SOURCES = 4096;

/**
 * Passive WS-Discovery listener between sweeps: a camera that boots sends Hello, one that shuts
 * down cleanly sends Bye. Same validation as ProbeMatches (XAddr on the sender or in `ranges`).
 */
export class HelloListener {
  private socket: dgram.Socket | undefined;
  private windowStart = 0;
  private parsedInWindow = 0;
  private readonly bySource = new Map<string, { start: number; n: number }>();
  /** Datagrams dropped before parsing (status). */
  dropped = 0;

  constructor(
    private readonly deps: { net: Net; log: Log; clock: Clock },
    private readonly options: {
      interfaces: readonly ProbeInterface[];
      ranges: readonly string[];
      port?: number;
    },
    private readonly handlers: HelloHandlers,
  ) {}

  async start(): Promise<void> {
    if (this.options.interfaces.length === 0) return;
    const socket = this.deps.net.udp({ reuseAddr: true });
    socket.on('error', (err) => this.deps.log.warn({ err }, 'hello listener socket error'));
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ port: this.options.port ?? WSD_PORT, address: WSD_MULTICAST }, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    for (const iface of this.options.interfaces) {
      try {
        socket.addMembership(WSD_MULTICAST, iface.address);
      } catch (err) {
        this.deps.log.warn({ iface: iface.name, err: errorMessage(err) }, 'cannot join WS-Discovery group');
      }
    }
    this.socket = socket;
  }

  async stop(): Promise<void> {
    const s = this.socket;
    this.socket = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Cheap admission before the parse: a global per-second budget and a small one per source. */
  private admit(source: string): boolean {
    const now = this.deps.clock.monotonic();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.parsedInWindow = 0;
    }
    let mine = this.bySource.get(source);
    if (!mine || now - mine.start >= 1000) mine = { start: now, n: 0 };
    if (this.parsedInWindow >= PARSED_PER_SECOND || mine.n >= PER_SOURCE_PER_SECOND) {
      this.dropped += 1;
      return false;
    }
    this.parsedInWindow += 1;
    mine.n += 1;
    this.bySource.delete(source);
    this.bySource.set(source, mine);
    if (this.bySource.size > MAX_SOURCES) {
      const oldest = this.bySource.keys().next().value;
      if (oldest !== undefined) this.bySource.delete(oldest);
    }
    return true;
  }

  private onMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (!this.admit(rinfo.address)) return;
    let parsed: ReturnType<typeof parseDiscoveryMessage>;
    try {
      parsed = parseDiscoveryMessage(msg);
    } catch (err) {
      this.deps.log.debug({ err, from: rinfo.address }, 'discovery datagram rejected');
      return;
    }
    if (!parsed) return;
    for (const m of parsed.matches) {
      if (parsed.kind === 'bye') {
        this.handlers.bye(m.endpointRef, rinfo.address);
        continue;
      }
      if (parsed.kind !== 'hello') continue;
      const target = acceptMatch(m, rinfo.address, this.options.ranges, 'hello');
      if (target) this.handlers.hello(target);
      else
        this.deps.log.warn(
          { from: rinfo.address, xaddrs: m.xaddrs },
          'spoofed Hello dropped: XAddrs not on the sender',
        );
    }
  }
}
