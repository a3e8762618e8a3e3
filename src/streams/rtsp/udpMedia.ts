import { randomBytes } from 'node:crypto';
import type { RemoteInfo } from 'node:dgram';
import { CamgateError } from '../../shared/errors.js';
import { findSenderReport, ReceiverReporter, type ReceptionSnapshot, type SenderReportSeen } from './rtcp.js';
import type { TransportHeader } from './rtspHeaders.js';
import type { UdpPortPair } from './udpPortPool.js';

/** Handled RTP packets per second per UDP socket: ~100 Mbit/s of 1400-byte packets, 50× a 4K camera. */
export const UDP_BUDGET_PER_SECOND = 10_000;
export const UDP_FLOOD_SECONDS = 3;

/** Where the camera said it sends from (SETUP answer) and where its RTCP goes. */
export interface UdpPeer {
  /** The RTSP connection's peer, plus the Transport `source=` address when it names another. */
  readonly addresses: readonly string[];
  /** server_port of the SETUP answer; undefined: any port of an accepted address. */
  readonly rtpPort?: number;
  readonly rtcpPort?: number;
}

export interface UdpMediaOptions {
  readonly pair: UdpPortPair;
  readonly peer: UdpPeer;
  /** Packets per second per socket handled; the rest are dropped and counted. */
  readonly budgetPerSecond: number;
  /** This many whole seconds in a row over budget end the session (its ports close, the flood hits nothing). */
  readonly floodSeconds: number;
  /** RTCP SDES CNAME, "user@host" (RFC 3550 6.5.1). */
  readonly cname: string;
  now(): number;
  onRtp(data: Buffer, arrivalMs: number): void;
  /** The receiver report figures of the stream being watched. */
  reception(): ReceptionSnapshot | undefined;
  onFailure(err: CamgateError): void;
}

/** RFC 3550 6.2: 5 s is the minimum report interval; one video source, so no scaling needed. */
const REPORT_INTERVAL_MS = 5000;

/** Per-socket rate guard: one counter per one-second window, no allocation per packet. */
class Budget {
  private windowStart = 0;
  private count = 0;
  private overSeconds = 0;
  dropped = 0;

  constructor(
    private readonly perSecond: number,
    private readonly floodSeconds: number,
  ) {}

  /** False: drop this packet. Throws nothing; `flooding` says when to give up. */
  take(now: number): boolean {
    if (now - this.windowStart >= 1000) {
      this.overSeconds = this.count > this.perSecond ? this.overSeconds + 1 : 0;
      this.windowStart = now;
      this.count = 0;
    }
    this.count += 1;
    if (this.count <= this.perSecond) return true;
    this.dropped += 1;
    return false;
  }

  get flooding(): boolean {
    return this.overSeconds >= this.floodSeconds;
  }
}

/**
 * RTP and RTCP received on a bound port pair (RTP/AVP over UDP). Only packets from the camera's
 * address (and the server ports its SETUP answer named) are accepted: RFC 3550 8.2 / RFC 2326
 * 12.39 source check, so a stray or spoofed sender cannot feed or fake a stream. A flood on either
 * port costs at most `budgetPerSecond` handled packets per second, then ends the session.
 */
export class UdpMedia {
  /** Datagrams from addresses or ports other than the camera's. */
  rejected = 0;
  /** RTCP sends the OS refused (ICMP unreachable and the like). */
  sendErrors = 0;
  private readonly rtpBudget: Budget;
  private readonly rtcpBudget: Budget;
  private closed = false;
  private readonly reporter: ReceiverReporter;
  private lastSr: SenderReportSeen | undefined;
  private nextReportAt = 0;

  constructor(private readonly o: UdpMediaOptions) {
    this.reporter = new ReceiverReporter(randomBytes(4).readUInt32BE(0), o.cname);
    this.rtpBudget = new Budget(o.budgetPerSecond, o.floodSeconds);
    this.rtcpBudget = new Budget(Math.max(50, Math.floor(o.budgetPerSecond / 100)), o.floodSeconds);
    o.pair.rtp.on('message', (msg, rinfo) => this.onRtpMessage(msg, rinfo));
    o.pair.rtcp.on('message', (msg, rinfo) => this.onRtcpMessage(msg, rinfo));
    const onError = (err: Error): void =>
      this.fail(new CamgateError('RTSP_CONNECT', `UDP socket error: ${err.message}`, { cause: err }));
    o.pair.rtp.on('error', onError);
    o.pair.rtcp.on('error', onError);
  }

  get localRtpPort(): number {
    return this.o.pair.rtpPort;
  }

  /** For a stall message: why packets may have been missed, when any were turned away. */
  note(): string {
    if (this.rejected === 0 && this.dropped === 0) return '';
    return ` (UDP: ${this.rejected} datagrams from other senders rejected, ${this.dropped} dropped over budget)`;
  }

  /** Packets dropped over budget, both ports. */
  get dropped(): number {
    return this.rtpBudget.dropped + this.rtcpBudget.dropped;
  }

  /** Sends a receiver report when one is due; the first (at PLAY) also opens the camera's way back. */
  tick(nowMs: number): void {
    if (this.closed || nowMs < this.nextReportAt) return;
    this.nextReportAt = nowMs + REPORT_INTERVAL_MS;
    this.sendRtcp(this.reporter.build(this.o.reception(), this.lastSr, nowMs));
  }

  /** Sends one RTCP packet to the camera's RTCP port (also opens a NAT/firewall pinhole for it). */
  sendRtcp(packet: Buffer): void {
    const address = this.o.peer.addresses[0];
    if (this.closed || address === undefined || this.o.peer.rtcpPort === undefined) return;
    this.o.pair.rtcp.send(packet, this.o.peer.rtcpPort, address, (err) => {
      // RTCP is advisory: the stall check, not a failed report, judges the stream.
      if (err) this.sendErrors += 1;
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.o.pair.release();
  }

  private onRtpMessage(msg: Buffer, rinfo: RemoteInfo): void {
    const now = this.o.now();
    if (!this.rtpBudget.take(now)) {
      if (this.rtpBudget.flooding) this.flood('RTP', rinfo);
      return;
    }
    if (!this.accepted(rinfo, this.o.peer.rtpPort)) return;
    this.o.onRtp(msg, now);
  }

  private onRtcpMessage(msg: Buffer, rinfo: RemoteInfo): void {
    const now = this.o.now();
    if (!this.rtcpBudget.take(now)) {
      if (this.rtcpBudget.flooding) this.flood('RTCP', rinfo);
      return;
    }
    if (!this.accepted(rinfo, this.o.peer.rtcpPort)) return;
    this.lastSr = findSenderReport(msg, now) ?? this.lastSr;
  }

  private accepted(rinfo: RemoteInfo, port: number | undefined): boolean {
    if (this.o.peer.addresses.includes(rinfo.address) && (port === undefined || rinfo.port === port)) {
      return true;
    }
    this.rejected += 1;
    return false;
  }

  private flood(what: string, rinfo: RemoteInfo): void {
    this.fail(
      new CamgateError(
        'RTSP_PROTOCOL',
        `${what} flood on UDP port ${this.o.pair.rtpPort}: over ${this.o.budgetPerSecond} packets/s ` +
          `for ${this.o.floodSeconds} s (last from ${rinfo.address}:${rinfo.port}); ${this.dropped} dropped`,
      ),
    );
  }

  private fail(err: CamgateError): void {
    if (this.closed) return;
    this.close();
    this.o.onFailure(err);
  }
}

/** The RTSP connection's peer and the SETUP answer's `source=` (IPv4 literals only) and server ports. */
export function udpPeer(connectionPeer: string | undefined, answer: TransportHeader | undefined): UdpPeer {
  const ipv4 = /^\d{1,3}(\.\d{1,3}){3}$/;
  const mapped = connectionPeer?.replace(/^::ffff:/, '');
  const addresses = [mapped, answer?.source].filter(
    (a, i, all): a is string => a !== undefined && ipv4.test(a) && all.indexOf(a) === i,
  );
  return { addresses, rtpPort: answer?.serverPort?.[0], rtcpPort: answer?.serverPort?.[1] };
}
