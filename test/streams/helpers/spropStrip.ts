import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { deferCleanup } from '../../helpers/testCleanup.js';

export interface SpropStrip {
  /** Port on 127.0.0.1 that relays to the camera. */
  readonly port: number;
  /** DESCRIBE answers whose sprop-parameter-sets were removed so far. */
  readonly stripped: () => number;
}

/**
 * A loopback relay in front of an RTSP server that removes `sprop-parameter-sets` from the SDP
 * of every DESCRIBE answer (Content-Length fixed): a camera that announces SPS/PPS only in-band.
 * RTSP answers are rewritten until the first interleaved ($) byte; from there bytes pass as they
 * are. Closed when the test (or file) ends.
 */
export async function useSpropStrip(target: { host: string; port: number }): Promise<SpropStrip> {
  let stripped = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => client.destroy());
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    let text = Buffer.alloc(0);
    let raw = false;
    upstream.on('data', (chunk: Buffer) => {
      if (raw) return void client.write(chunk);
      text = Buffer.concat([text, chunk]);
      for (;;) {
        if (text.length > 0 && text[0] === 0x24) {
          raw = true;
          client.write(text);
          return;
        }
        const end = text.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = text.subarray(0, end).toString('latin1');
        const length = Number(/^content-length:\s*(\d+)/im.exec(head)?.[1] ?? 0);
        if (text.length < end + 4 + length) return;
        let body = text.subarray(end + 4, end + 4 + length).toString('latin1');
        text = text.subarray(end + 4 + length);
        if (body.includes('sprop-parameter-sets=')) {
          body = body.replace(/;?sprop-parameter-sets=[^;\r\n]*/g, '');
          stripped += 1;
        }
        const newHead = head.replace(
          /^content-length:\s*\d+/im,
          `Content-Length: ${Buffer.byteLength(body, 'latin1')}`,
        );
        client.write(Buffer.from(`${newHead}\r\n\r\n${body}`, 'latin1'));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  deferCleanup(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port: (server.address() as AddressInfo).port, stripped: () => stripped };
}
