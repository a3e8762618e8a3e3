/**
 * Simulator load bench: `npx tsx bench/sim.ts --cameras 256 [--seconds 20]`.
 * Starts the site in a child process, opens one RTSP session per camera from here (a raw TCP
 * client that reads and discards), then samples the simulator's CPU (/proc/PID/stat utime+stime),
 * PSS (/proc/PID/smaps_rollup), RSS and the aggregate bitrate delivered to this process.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { parseArgs } from 'node:util';
import { authorize } from '../fixtures/sim/digestAuth.js';
import { cpuTicks, startSimProcess } from './procStats.js';

const { values } = parseArgs({
  options: {
    cameras: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '20' },
    base: { type: 'string', default: '127.0.100.1' },
  },
});
const cameras = Number(values.cameras);
const seconds = Number(values.seconds);
const creds = { username: 'admin', password: 'bench-secret' };
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

interface Client {
  bytes: number;
  playing: boolean;
  socket: net.Socket;
}

/** Minimal RTSP client: DESCRIBE (401, retry with Digest), SETUP interleaved, PLAY; then counts bytes. */
function openSession(url: string): Promise<Client> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port) });
    const client: Client = { bytes: 0, playing: false, socket };
    let buf = '';
    let step = 0;
    let challenge = '';
    let session = '';
    let base = '';
    const send = (method: string, uri: string, extra: string[] = []) => {
      const auth = challenge ? [`Authorization: ${authorize(challenge, method, uri, creds)}`] : [];
      socket.write([`${method} ${uri} RTSP/1.0`, `CSeq: ${++step}`, ...auth, ...extra, '', ''].join('\r\n'));
    };
    socket.on('error', reject);
    socket.on('connect', () => send('DESCRIBE', url));
    socket.on('data', (d: Buffer) => {
      if (client.playing) {
        client.bytes += d.length;
        return;
      }
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.slice(0, end);
      const len = Number(/Content-Length: (\d+)/i.exec(head)?.[1] ?? '0');
      if (buf.length < end + 4 + len) return;
      const rest = buf.slice(end + 4 + len);
      buf = '';
      const status = Number(head.split(' ')[1]);
      if (status === 401 && !challenge) {
        challenge = /WWW-Authenticate: (.*)/i.exec(head)?.[1]?.trim() ?? '';
        send('DESCRIBE', url);
      } else if (status !== 200) {
        reject(new Error(`${url}: RTSP ${status}`));
      } else if (!base) {
        base = /Content-Base: (.*)/i.exec(head)?.[1]?.trim() ?? `${url}/`;
        send('SETUP', `${base}trackID=1`, ['Transport: RTP/AVP/TCP;unicast;interleaved=0-1']);
      } else if (!session) {
        session = (/Session: ([^;\r\n]+)/i.exec(head)?.[1] ?? '').trim();
        send('PLAY', url, [`Session: ${session}`]);
      } else {
        client.playing = true;
        client.bytes += rest.length;
        resolve(client);
      }
    });
  });
}

/** Host-wide busy/total jiffies, for context: loopback softirq work is not always charged to the sender. */
function hostTicks(): { busy: number; total: number } {
  const cpu = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').split(/\s+/).slice(1).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  return { busy: total - idle, total };
}

function memoryKb(pid: number): { pss: number; rss: number } {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    pss: Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0),
    rss: Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0),
  };
}

async function main(): Promise<void> {
  // A throwaway password for this run only; it is never printed.
  const started = await startSimProcess([
    '--cameras',
    String(cameras),
    '--base',
    values.base,
    '--password',
    creds.password,
  ]);
  const { child: sim, pid, urls } = started;
  const t0 = performance.now();
  const clients = await Promise.all(urls.map(openSession));
  console.log(`sessions: ${clients.length} playing after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await new Promise((r) => setTimeout(r, 3000));
  const bytes0 = clients.map((c) => c.bytes);
  const cpu0 = cpuTicks(pid);
  const host0 = hostTicks();
  const start = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const elapsed = (performance.now() - start) / 1000;
  const cpu = (((cpuTicks(pid) ?? 0) - (cpu0 ?? 0)) / CLK_TCK / elapsed) * 100;
  const host1 = hostTicks();
  const mem = memoryKb(pid);
  const perSession = clients.map((c, i) => ((c.bytes - (bytes0[i] ?? 0)) * 8) / elapsed / 1000);
  const total = perSession.reduce((a, b) => a + b, 0);
  const result = {
    cameras,
    windowSeconds: Number(elapsed.toFixed(1)),
    simCpuPercent: Number(cpu.toFixed(1)),
    hostBusyPercentOfAllCores: Number(
      ((100 * (host1.busy - host0.busy)) / (host1.total - host0.total)).toFixed(1),
    ),
    simPssMiB: Number((mem.pss / 1024).toFixed(1)),
    simRssMiB: Number((mem.rss / 1024).toFixed(1)),
    aggregateMbps: Number((total / 1000).toFixed(2)),
    perSessionKbps: {
      min: Number(Math.min(...perSession).toFixed(0)),
      mean: Number((total / perSession.length).toFixed(0)),
      max: Number(Math.max(...perSession).toFixed(0)),
    },
  };
  console.log(JSON.stringify(result));
  for (const c of clients) c.socket.destroy();
  sim.kill('SIGTERM');
  await new Promise((r) => sim.once('exit', r));
}

await main();
