import type { Clock } from '../../shared/clock.js';
import type { Log } from '../../shared/log.js';
import type { Net } from '../../shared/net.js';
import type { StreamStats } from '../../shared/types.js';
import type { Ticker } from '../ticker.js';
import type { SessionPhase } from './closeReason.js';
import type { ReadPacer } from './readPacer.js';
import type { RtpWindow } from './rtpStats.js';
import type { RtspCredential } from './rtspAuth.js';
import type { RtspParserLimits } from './rtspParser.js';
import type { RtpTransport } from './transportSetup.js';
import type { UdpPortPool } from './udpPortPool.js';

/** What an RtspSession is given: deps (time, sockets, log) and per-session options. */
export interface RtspSessionDeps {
  readonly clock: Clock;
  readonly net: Net;
  readonly log: Log;
}

export interface RtspSessionOptions {
  /** rtsp:// URL; userinfo in it is used as the credential when `credential` is absent, never logged. */
  readonly url: string;
  readonly credential?: RtspCredential;
  readonly connectTimeoutMs?: number;
  /** Deadline for each request/response step, whatever the server's pace (slow drip). */
  readonly stepTimeoutMs?: number;
  /** No new coded picture for this long after PLAY closes the session with 'stall' (parameter sets, SEI or padding alone do not count). */
  readonly stallMs?: number;
  /** Shared tick for stall/keepalive checks; a private one is made when absent. */
  readonly ticker?: Ticker;
  readonly limits?: RtspParserLimits;
  /** Reads a playing TCP session in batches (many sessions in one process); every read as it comes when absent. */
  readonly readPacer?: ReadPacer;
  /** RTP transports to try in this order; default TCP, then UDP when the server refuses TCP. */
  readonly transports?: readonly RtpTransport[];
  /** Where UDP port pairs come from (config `streams.udpPortRange`); the OS picks when absent. */
  readonly udpPorts?: UdpPortPool;
  /** UDP: packets per second per socket handled; more are dropped, and for long, end the session. */
  readonly udpBudgetPerSecond?: number;
  onKeyframe?(atMs: number): void;
  onPhase?(phase: SessionPhase): void;
}

export interface SessionSample {
  readonly stats: StreamStats;
  readonly window: RtpWindow;
}
