import dgram from 'node:dgram';
import net from 'node:net';
import os from 'node:os';

/** Sockets arrive through deps so protocol code can be driven by a fake in unit tests. */
export interface Net {
  connect(options: { host: string; port: number; localAddress?: string }): net.Socket;
  udp(options: { reuseAddr?: boolean }): dgram.Socket;
  interfaces(): NodeJS.Dict<os.NetworkInterfaceInfo[]>;
}

export const systemNet: Net = {
  connect: (options) => net.connect(options),
  udp: (options) => dgram.createSocket({ type: 'udp4', reuseAddr: options.reuseAddr ?? false }),
  interfaces: () => os.networkInterfaces(),
};
