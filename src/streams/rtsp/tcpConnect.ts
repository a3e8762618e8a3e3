import type { Socket } from 'node:net';
import type { Clock } from '../../shared/clock.js';
import { CamgateError } from '../../shared/errors.js';
import type { Net } from '../../shared/net.js';

/**
 * Opens a TCP connection through the injected Net, failing with RTSP_CONNECT after `timeoutMs`
 * (a camera behind a dead uplink drops SYNs: the OS timeout would be minutes). `onSocket` gets
 * the socket at once so a caller can destroy it while the connect is still pending; `onData` gets
 * what it reads as views valid only during the call (see Net's `onData`).
 */
export function connectWithDeadline(
  deps: { net: Net; clock: Clock },
  target: { host: string; port: number },
  timeoutMs: number,
  onSocket: (socket: Socket) => void,
  onData?: (chunk: Buffer) => boolean | undefined,
): Promise<Socket> {
  const socket = deps.net.connect({ host: target.host, port: target.port, onData });
  onSocket(socket);
  return new Promise((resolve, reject) => {
    const timer = deps.clock.setTimeout(() => {
      socket.destroy();
      reject(new CamgateError('RTSP_CONNECT', `TCP connect timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      timer.cancel();
      socket.removeAllListeners('error');
      resolve(socket);
    });
    // A stop() during connect destroys the socket without an error: settle now, not at the deadline.
    socket.once('close', () => {
      timer.cancel();
      reject(new CamgateError('RTSP_CONNECT', 'connection closed while connecting'));
    });
    socket.once('error', (err) => {
      timer.cancel();
      reject(new CamgateError('RTSP_CONNECT', `TCP connect failed: ${err.message}`, { cause: err }));
    });
  });
}
