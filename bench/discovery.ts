/**
 * Discovery bench: `npx tsx bench/discovery.ts [--cameras 256] [--window 1.5] [--base 127.0.110.1]`.
 * Starts the simulated site in a child process (its memory is not ours), then runs one full
 * discovery here: unicast WS-Discovery probes + HTTP sweep of the site's range, interrogation
 * of every camera (clock, info, MAC, services, profiles, stream/snapshot URIs, sources, event
 * topics) and classification. Prints wall time (probe window included), peak RSS and accuracy.
 */
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { configSchema } from '../src/config/schema.js';
import { discover } from '../src/discovery/discover.js';
import { systemClock } from '../src/shared/clock.js';
import { silentLog } from '../src/shared/log.js';
import { systemNet } from '../src/shared/net.js';

const { values } = parseArgs({
  options: {
    cameras: { type: 'string', default: '256' },
    window: { type: 'string', default: '1.5' },
    base: { type: 'string', default: '127.0.110.1' },
  },
});
const count = Number(values.cameras);

interface SimLine {
  address: string;
  kind: string;
}

async function startSim(): Promise<{ cameras: SimLine[]; stop: () => void }> {
  const sim = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'fixtures/sim/main.ts',
      '--cameras',
      String(count),
      '--base',
      values.base,
      '--password',
      'bench-secret',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const cameras: SimLine[] = [];
  const lines = createInterface({ input: sim.stdout });
  for await (const line of lines) {
    if (line === 'ready') break;
    if (line.startsWith('{')) cameras.push(JSON.parse(line) as SimLine);
  }
  return { cameras, stop: () => sim.kill('SIGTERM') };
}

/**
 * The simulator prints `ready` before 256 cameras can all answer (it is still busy warming up);
 * wait until the last camera answers a SOAP request so the bench measures discovery, not the sim.
 */
async function waitAnswering(address: string): Promise<void> {
  const deadline = performance.now() + 120_000;
  while (performance.now() < deadline) {
    try {
      const res = await fetch(`http://${address}:8080/onvif/device_service`, {
        method: 'POST',
        body: '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body/></s:Envelope>',
        signal: AbortSignal.timeout(1000),
      });
      await res.text();
      return;
    } catch {
      // Not answering yet: retry until the deadline.
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw new Error(`simulator camera ${address} never answered`);
}

/** Smallest CIDR list covering base..base+n (the sim skips .0 and .255). */
function rangeOf(cameras: readonly SimLine[]): string[] {
  const thirds = [...new Set(cameras.map((c) => c.address.split('.').slice(0, 3).join('.')))];
  return thirds.map((t) => `${t}.0/24`);
}

const sim = await startSim();
try {
  await waitAnswering(sim.cameras[sim.cameras.length - 1]?.address ?? values.base);
  await waitAnswering(sim.cameras[0]?.address ?? values.base);
  const config = configSchema.parse({
    site: { id: 'bench' },
    gateway: { id: 'bench' },
    discovery: {
      interfaces: ['lo'],
      ranges: rangeOf(sim.cameras),
      probeWindowSeconds: Number(values.window),
      ports: [8080],
    },
    credentials: [{ match: '*', username: 'admin', password: 'bench-secret' }],
  });
  const baselineRssMb = Math.round(process.memoryUsage().rss / 1024 / 1024);
  const probeStart = performance.now();
  await waitAnswering(sim.cameras[0]?.address ?? values.base);
  const simLatencyMs = Math.round(performance.now() - probeStart);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const run = await discover(
    { clock: systemClock, net: systemNet, log: silentLog() },
    { discovery: config.discovery, cameras: [], credentials: config.credentials, multicast: false },
  );
  const wallMs = Math.round(performance.now() - started);
  const cpu = process.cpuUsage(cpuBefore);
  const ourCpuMs = Math.round((cpu.user + cpu.system) / 1000);
  const byAddress = new Map(run.results.map((r) => [r.target.address, r]));
  const found = sim.cameras.filter((c) => byAddress.has(c.address)).length;
  const rightClass = sim.cameras.filter(
    (c) => byAddress.get(c.address)?.classification.class === c.kind,
  ).length;
  const problems = run.results.filter((r) => r.problem).length;
  const result = {
    cameras: sim.cameras.length,
    hostsSwept: config.discovery.ranges.length * 254,
    found,
    rightClass,
    problems,
    probeWindowMs: config.discovery.probeWindowSeconds * 1000,
    wallMs,
    findMs: run.findMs,
    interrogateMs: run.durationMs - run.findMs,
    loadAverage1m: Number(loadavg()[0]?.toFixed(1)),
    cpus: cpus().length,
    // Peak includes tsx/esbuild (~the baseline); the baseline is measured after imports, before discovery.
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    baselineRssMb,
    simLatencyMs,
    ourCpuMs,
  };
  console.log(JSON.stringify(result));
} finally {
  sim.stop();
}
