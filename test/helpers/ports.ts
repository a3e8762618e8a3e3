import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';

/** The kernel's ephemeral range (bind to port 0, and every outgoing connect, take ports from it). */
function ephemeralLow(): number {
  try {
    const [low] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    return Number(low) || 32768;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return 32768; // not Linux: the IANA dynamic range starts higher still
  }
}

const LOWEST = 20_000;

function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * A port free right now on `host`, for a peer that cannot listen on port 0 and report it
 * (Mosquitto), or as a port where nothing listens. "Listen on 0, close, hand the number on" races:
 * the kernel may give that same port to any other port-0 bind or outgoing connect in between (other
 * test files, other runs on this host). A random port below the kernel's ephemeral range is
 * never handed out by the kernel, so only another explicit choice of the same number can collide.
 */
export async function reservedPort(host = '127.0.0.1'): Promise<number> {
  const high = Math.max(LOWEST + 1000, ephemeralLow());
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = randomInt(LOWEST, high);
    if (await canBind(host, port)) return port;
  }
  throw new Error(`no free port in ${LOWEST}-${high} on ${host} after 50 tries`);
}
