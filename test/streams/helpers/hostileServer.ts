import net from 'node:net';
import { reservedPort } from '../../helpers/ports.js';

export type Hostility = 'garbage' | 'hugeHeaders' | 'slowDrip' | 'silent' | 'hangUp' | 'hugeBody';

/** A deliberately bad RTSP peer on 127.0.0.1; every socket is tracked and destroyed on close. */
export class HostileServer {
  private readonly sockets = new Set<net.Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  get url(): string {
    return `rtsp://127.0.0.1:${this.port}/stream`;
  }

  static async start(kind: Hostility): Promise<HostileServer> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    const hostile = new HostileServer(server, address.port);
    server.on('connection', (socket) => hostile.serve(socket, kind));
    return hostile;
  }

  private serve(socket: net.Socket, kind: Hostility): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.once('data', () => {
      if (kind === 'garbage') socket.write(Buffer.from([0x00, 0x13, 0x37, 0xff, 0xfe, 0x10, 0x20, 0x30]));
      else if (kind === 'hangUp') socket.destroy();
      else if (kind === 'hugeHeaders')
        this.repeat(socket, 'RTSP/1.0 200 OK\r\nCSeq: 1\r\n', `X-Filler: ${'a'.repeat(1000)}\r\n`, 5);
      else if (kind === 'hugeBody')
        socket.write('RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Length: 999999999\r\n\r\n');
      else if (kind === 'slowDrip') this.repeat(socket, '', 'R', 1000);
    });
  }

  /** Writes `head` then `chunk` every `everyMs` until the socket closes. */
  private repeat(socket: net.Socket, head: string, chunk: string, everyMs: number): void {
    if (head) socket.write(head);
    const timer = setInterval(() => {
      if (socket.destroyed) {
        clearInterval(timer);
        this.timers.delete(timer);
        return;
      }
      socket.write(chunk);
    }, everyMs);
    this.timers.add(timer);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A 127.0.0.1 port with nothing listening, that no port-0 bind elsewhere can take meanwhile. */
export async function closedPort(): Promise<number> {
  return await reservedPort('127.0.0.1');
}
