import dgram from 'node:dgram';
import net from 'node:net';
import os from 'node:os';

export interface ConnectOptions {
  host: string;
  port: number;
  localAddress?: string;
  /**
   * Receives what the socket reads, as a view valid only during the call, instead of 'data' events
   * (a fake may still emit 'data': listen to both). The system Net reads into one shared buffer:
   * no allocation and no stream machinery per read, for hundreds of RTSP connections (#14).
   * Returning `false` stops reading until `socket.resume()` (cheaper than `pause()`: no stream state).
   */
  onData?: (chunk: Buffer) => boolean | undefined;
}

/** Sockets arrive through deps so protocol code can be driven by a fake in unit tests. */
export interface Net {
  connect(options: ConnectOptions): net.Socket;
  udp(options: { reuseAddr?: boolean }): dgram.Socket;
  interfaces(): NodeJS.Dict<os.NetworkInterfaceInfo[]>;
}

/**
 * Every `onData` socket reads into this one buffer: the callbacks run one at a time on the event
 * loop and consumers copy what they keep, so 1,024 connections need 64 KiB, not 64 MiB.
 */
const sharedReadBuffer = Buffer.allocUnsafe(64 * 1024);

export const systemNet: Net = {
  connect: ({ onData, ...options }) =>
    onData
      ? net.connect({
          ...options,
          onread: {
            buffer: sharedReadBuffer,
            callback: (n) => onData(sharedReadBuffer.subarray(0, n)) !== false,
          },
        })
      : net.connect(options),
  udp: (options) => dgram.createSocket({ type: 'udp4', reuseAddr: options.reuseAddr ?? false }),
  interfaces: () => os.networkInterfaces(),
};
