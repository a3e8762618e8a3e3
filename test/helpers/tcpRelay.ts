import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { deferCleanup } from './testCleanup.js';

/**
 * A loopback TCP relay in front of one port, whose link can be cut: every relayed connection is
 * destroyed and new ones are dropped on accept until `restore()`. It cuts one client's uplink (a
 * gateway's, to the broker) while everything else keeps its own connection, as a lapsed comms
 * contract does to one site.
 */
export class TcpRelay {
  private readonly pairs = new Set<net.Socket>();
  private down = false;

  private constructor(private readonly server: net.Server) {}

  static async start(targetPort: number): Promise<TcpRelay> {
    const server = net.createServer();
    const relay = new TcpRelay(server);
    server.on('connection', (client) => relay.accept(client, targetPort));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return relay;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  private accept(client: net.Socket, targetPort: number): void {
    if (this.down) {
      client.destroy();
      return;
    }
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
    for (const s of [client, upstream]) {
      this.pairs.add(s);
      // A reset on either side ends both: the relay never keeps half a link.
      s.on('error', () => client.destroy());
      s.on('close', () => {
        this.pairs.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** The link goes down: relayed connections are reset and new ones refused. */
  cut(): void {
    this.down = true;
    for (const s of this.pairs) s.destroy();
  }

  restore(): void {
    this.down = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A relay to `targetPort` on 127.0.0.1, closed when the test (or file) ends. */
export async function useTcpRelay(targetPort: number): Promise<TcpRelay> {
  const relay = await TcpRelay.start(targetPort);
  deferCleanup(() => relay.close());
  return relay;
}
