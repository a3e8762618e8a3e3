import { randomUUID } from 'node:crypto';
import type dgram from 'node:dgram';
import { inCidr } from '../config/credentials.js';
import type { Clock, TimerHandle } from '../shared/clock.js';
import { errorMessage } from '../shared/errors.js';
import type { Log } from '../shared/log.js';
import type { Net } from '../shared/net.js';
import type { ProbeInterface } from './interfaces.js';
import type { DiscoveredTarget } from './interrogate.js';
import {
  buildProbe,
  chooseXAddr,
  type DiscoveryMatch,
  PROBE_TYPES,
  parseDiscoveryMessage,
  retransmitSchedule,
  WSD_MULTICAST,
  WSD_PORT,
} from './wsDiscovery.js';

export interface ProberDeps {
  readonly clock: Clock;
  readonly net: Net;
  readonly log: Log;
  readonly random?: () => number;
  readonly newMessageId?: () => string;
}

export interface ProbeSweepOptions {
  readonly interfaces: readonly ProbeInterface[];
  /** Addresses that also get a unicast Probe (from `discovery.ranges`). */
  readonly unicastTargets?: readonly string[];
  /** XAddrs inside these CIDRs are accepted even when not on the datagram's source. */
  readonly ranges?: readonly string[];
  readonly windowMs: number;
  readonly signal?: AbortSignal;
  readonly port?: number;
  readonly group?: string;
}

export interface ProbeSweepResult {
  readonly targets: readonly DiscoveredTarget[];
  readonly dropped: { readonly spoofed: number; readonly unsolicited: number; readonly malformed: number };
}

/**
 * One WS-Discovery sweep: a socket per interface sends the three probes (Device, NVT, untyped)
 * to the multicast group with SOAP-over-UDP retransmissions, plus unicast probes to range
 * addresses; ProbeMatches are collected for `windowMs`. A match is accepted only when it answers
 * one of our MessageIDs and its XAddr host is the datagram's source or inside `ranges`.
 */
export async function probeSweep(deps: ProberDeps, options: ProbeSweepOptions): Promise<ProbeSweepResult> {
  const newId = deps.newMessageId ?? (() => `urn:uuid:${randomUUID()}`);
  const sent = PROBE_TYPES.map((type) => {
    const id = newId();
    return { id, xml: buildProbe(id, type) };
  });
  const sentIds = new Set(sent.map((p) => p.id));
  const found = new Map<string, DiscoveredTarget>();
  const dropped = { spoofed: 0, unsolicited: 0, malformed: 0 };
  const onMessage = (msg: Buffer, rinfo: dgram.RemoteInfo): void => {
    let parsed: ReturnType<typeof parseDiscoveryMessage>;
    try {
      parsed = parseDiscoveryMessage(msg);
    } catch (err) {
      dropped.malformed++;
      deps.log.debug({ err, from: rinfo.address }, 'discovery datagram rejected');
      return;
    }
    if (parsed?.kind !== 'probeMatches') return;
    if (!parsed.relatesTo || !sentIds.has(parsed.relatesTo)) {
      dropped.unsolicited++;
      deps.log.debug({ from: rinfo.address, relatesTo: parsed.relatesTo }, 'ProbeMatches not for our probes');
      return;
    }
    for (const m of parsed.matches) {
      const target = acceptMatch(m, rinfo.address, options.ranges ?? [], 'multicast');
      if (!target) {
        dropped.spoofed++;
        deps.log.warn(
          { from: rinfo.address, xaddrs: m.xaddrs, endpointRef: m.endpointRef },
          'spoofed ProbeMatch dropped: XAddrs not on the sender',
        );
        continue;
      }
      const via = (options.unicastTargets ?? []).includes(rinfo.address) ? 'unicast' : 'multicast';
      found.set(`${target.endpointRef} ${target.address}`, { ...target, via });
    }
  };
  const sockets = await openSockets(deps, options, onMessage);
  const timers = schedule(deps, options, sockets, sent);
  try {
    await deps.clock.sleep(options.windowMs, options.signal);
  } finally {
    for (const t of timers) t.cancel();
    await Promise.all(sockets.map((s) => closeSocket(s.socket)));
  }
  return { targets: [...found.values()], dropped };
}

/** Validates one ProbeMatch against the datagram source; undefined means drop it. */
export function acceptMatch(
  m: DiscoveryMatch,
  source: string,
  ranges: readonly string[],
  via: DiscoveredTarget['via'],
): DiscoveredTarget | undefined {
  const x = chooseXAddr(m.xaddrs, source);
  if (!x) return undefined;
  if (!x.matchesSource && !ranges.some((r) => inCidr(x.host, r))) return undefined;
  return { address: x.host, xaddr: x.url, endpointRef: m.endpointRef, scopes: m.scopes, via };
}

interface OpenSocket {
  readonly socket: dgram.Socket;
  readonly iface?: ProbeInterface;
}

async function openSockets(
  deps: ProberDeps,
  options: ProbeSweepOptions,
  onMessage: (msg: Buffer, rinfo: dgram.RemoteInfo) => void,
): Promise<OpenSocket[]> {
  const out: OpenSocket[] = [];
  const bindOne = async (address: string | undefined, iface?: ProbeInterface): Promise<void> => {
    const socket = deps.net.udp({ reuseAddr: false });
    socket.on('message', onMessage);
    socket.on('error', (err) => deps.log.warn({ err, iface: iface?.name }, 'discovery socket error'));
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind({ port: 0, address }, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      if (iface) {
        socket.setMulticastInterface(iface.address);
        socket.setMulticastTTL(1);
      }
      // A /24 of cameras answering at once is ~1 MB of ProbeMatches; the default buffer drops most.
      trySetRecvBuffer(socket, 4 * 1024 * 1024, deps.log);
      out.push({ socket, iface });
    } catch (err) {
      deps.log.warn({ err: errorMessage(err), iface: iface?.name, address }, 'cannot open discovery socket');
      await closeSocket(socket);
    }
  };
  for (const iface of options.interfaces) await bindOne(iface.address, iface);
  if ((options.unicastTargets ?? []).length) await bindOne(undefined);
  return out;
}

function schedule(
  deps: ProberDeps,
  options: ProbeSweepOptions,
  sockets: readonly OpenSocket[],
  probes: readonly { id: string; xml: string }[],
): TimerHandle[] {
  const port = options.port ?? WSD_PORT;
  const group = options.group ?? WSD_MULTICAST;
  const timers: TimerHandle[] = [];
  const send = (s: dgram.Socket, xml: string, host: string): void =>
    s.send(xml, port, host, (err) => {
      if (err) deps.log.debug({ err: errorMessage(err), host }, 'probe send failed');
    });
  const offsets = retransmitSchedule(deps.random);
  for (const offset of offsets) {
    timers.push(
      deps.clock.setTimeout(() => {
        for (const s of sockets) {
          if (!s.iface) continue;
          for (const p of probes) send(s.socket, p.xml, group);
        }
      }, offset),
    );
  }
  const unicast = sockets.find((s) => !s.iface);
  if (unicast) {
    // UNICAST_UDP_REPEAT is 1: the first send and one repeat at the first retransmission offset.
    for (const offset of offsets.slice(0, 2)) {
      timers.push(
        deps.clock.setTimeout(() => {
          for (const host of options.unicastTargets ?? [])
            for (const p of probes) send(unicast.socket, p.xml, host);
        }, offset),
      );
    }
  }
  return timers;
}

function trySetRecvBuffer(socket: dgram.Socket, bytes: number, log: Log): void {
  try {
    socket.setRecvBufferSize(bytes);
  } catch (err) {
    // Capped by net.core.rmem_max without CAP_NET_ADMIN: keep the default and say so.
    log.debug({ err: errorMessage(err) }, 'cannot enlarge discovery receive buffer');
  }
}

function closeSocket(s: dgram.Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      s.close(() => resolve());
    } catch {
      // Already closed (bind failed before the socket opened): nothing left to release.
      resolve();
    }
  });
}
