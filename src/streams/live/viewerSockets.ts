import type http from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';

/** The subset of the `ws` package (node-rtsp-stream's own dependency, v7) used here; it ships no types. */
export interface ViewerSocket {
  readonly readyState: number;
  /** Bytes queued for this socket and not yet handed to the kernel. */
  readonly bufferedAmount: number;
  send(data: Buffer | string, options?: { binary: boolean }): void;
  on(event: 'close', listener: () => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  close(): void;
  terminate(): void;
}

interface WsServer {
  handleUpgrade(
    req: http.IncomingMessage,
    socket: Duplex,
    head: Buffer,
    done: (ws: ViewerSocket) => void,
  ): void;
  close(): void;
}

type WsModule = { Server: new (options: { noServer: true; perMessageDeflate: false }) => WsServer };

export const OPEN = 1;

/**
 * A WebSocket endpoint attached to our own HTTP server (which listens on loopback only), using the
 * `ws` that node-rtsp-stream depends on, resolved from its own folder so we add no dependency.
 */
export function viewerSocketServer(): WsServer {
  const fromRtspStream = createRequire(createRequire(import.meta.url).resolve('node-rtsp-stream'));
  const ws = fromRtspStream('ws') as WsModule;
  // MPEG-TS is already compressed; deflate would cost CPU on the NVR for nothing.
  return new ws.Server({ noServer: true, perMessageDeflate: false });
}
