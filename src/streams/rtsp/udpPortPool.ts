import type dgram from 'node:dgram';
import { CamgateError, errorMessage } from '../../shared/errors.js';
import type { Net } from '../../shared/net.js';

/** Two bound sockets: RTP on an even port, RTCP on the next (RFC 3550 11). */
export interface UdpPortPair {
  readonly rtp: dgram.Socket;
  readonly rtcp: dgram.Socket;
  readonly rtpPort: number;
  /** Closes both sockets and returns the ports to the pool; safe to call twice. */
  release(): void;
}

export interface PortRange {
  readonly first: number;
  readonly last: number;
}

/** Without a range the OS picks: this many tries to land on an even port with a free neighbour. */
const EPHEMERAL_TRIES = 32;

/**
 * RTP/RTCP port pairs for UDP sessions. With a range (config `streams.udpPortRange`, for boxes
 * whose firewall opens only those ports) pairs come from it, rotating so a just-released pair is
 * not handed out again while the camera's last packets may still be in flight; without one the OS
 * picks. Ports in use by other programs are skipped, never fought over.
 */
export class UdpPortPool {
  private readonly inUse = new Set<number>();
  private cursor: number;

  constructor(
    private readonly net: Net,
    private readonly range?: PortRange,
  ) {
    if (range && (range.first < 1024 || range.last > 65_535 || range.last - range.first < 1)) {
      throw new CamgateError('CONFIG_INVALID', `UDP port range ${range.first}-${range.last} is not usable`);
    }
    this.cursor = range ? evenAtOrAbove(range.first) : 0;
  }

  /** Pairs currently held by sessions (tests and status). */
  get held(): number {
    return this.inUse.size;
  }

  async open(): Promise<UdpPortPair> {
    return this.range ? this.fromRange(this.range) : this.ephemeral();
  }

  private async fromRange(range: PortRange): Promise<UdpPortPair> {
    const first = evenAtOrAbove(range.first);
    const pairs = Math.floor((range.last - first + 1) / 2);
    for (let i = 0; i < pairs; i += 1) {
      const port = this.cursor;
      this.cursor = port + 2 > range.last - 1 ? first : port + 2;
      if (this.inUse.has(port)) continue;
      this.inUse.add(port);
      const pair = await this.tryPair(port);
      if (pair) return pair;
      this.inUse.delete(port);
    }
    throw new CamgateError(
      'RTSP_CONNECT',
      `no free UDP port pair in ${range.first}-${range.last} (${this.inUse.size} held by camgate)`,
    );
  }

  private async ephemeral(): Promise<UdpPortPair> {
    for (let i = 0; i < EPHEMERAL_TRIES; i += 1) {
      const rtp = this.net.udp({});
      const port = await bindTo(rtp, 0).catch(() => undefined);
      if (port === undefined || port % 2 !== 0 || port >= 65_535 || this.inUse.has(port)) {
        closeSocket(rtp);
        continue;
      }
      const rtcp = this.net.udp({});
      if ((await bindTo(rtcp, port + 1).catch(() => undefined)) === undefined) {
        closeSocket(rtp);
        closeSocket(rtcp);
        continue;
      }
      this.inUse.add(port);
      return this.pair(rtp, rtcp, port);
    }
    throw new CamgateError('RTSP_CONNECT', `no free UDP port pair after ${EPHEMERAL_TRIES} tries`);
  }

  private async tryPair(port: number): Promise<UdpPortPair | undefined> {
    const rtp = this.net.udp({});
    const rtcp = this.net.udp({});
    try {
      await bindTo(rtp, port);
      await bindTo(rtcp, port + 1);
      return this.pair(rtp, rtcp, port);
    } catch (err) {
      closeSocket(rtp);
      closeSocket(rtcp);
      const code = (err as { code?: unknown }).code;
      if (code === 'EADDRINUSE' || code === 'EACCES') return undefined;
      throw new CamgateError('RTSP_CONNECT', `cannot bind UDP port ${port}: ${errorMessage(err)}`, {
        cause: err,
      });
    }
  }

  private pair(rtp: dgram.Socket, rtcp: dgram.Socket, port: number): UdpPortPair {
    let released = false;
    return {
      rtp,
      rtcp,
      rtpPort: port,
      release: () => {
        if (released) return;
        released = true;
        closeSocket(rtp);
        closeSocket(rtcp);
        this.inUse.delete(port);
      },
    };
  }
}

function bindTo(socket: dgram.Socket, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    socket.once('error', onError);
    socket.bind({ port, address: '0.0.0.0', exclusive: true }, () => {
      socket.off('error', onError);
      resolve(socket.address().port);
    });
  });
}

/** Closing a socket that never bound, or closed already, throws ERR_SOCKET_DGRAM_NOT_RUNNING: nothing left to free. */
function closeSocket(socket: dgram.Socket): void {
  socket.removeAllListeners('message');
  try {
    socket.close();
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'ERR_SOCKET_DGRAM_NOT_RUNNING') throw err;
  }
}

function evenAtOrAbove(n: number): number {
  return n % 2 === 0 ? n : n + 1;
}
