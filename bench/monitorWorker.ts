/**
 * Child process for bench/monitor.ts: one StreamMonitor watching the targets in a JSON file.
 * stdin: "gc", "freeze <epochMs>" (start stall timing), "quit"; stdout: one JSON line per report.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { systemClock } from '../src/shared/clock.js';
import { EventBus } from '../src/shared/events.js';
import { silentLog } from '../src/shared/log.js';
import { systemNet } from '../src/shared/net.js';
import { StreamMonitor } from '../src/streams/streamMonitor.js';
import type { StreamTarget } from '../src/streams/streamTarget.js';

const [targetsFile = '', stallText = '2'] = process.argv.slice(2);
const targets = JSON.parse(readFileSync(targetsFile, 'utf8')) as StreamTarget[];
const stallSeconds = Number(stallText);
const events = new EventBus();
const connected = new Set<string>();
const stalls = new Map<string, number>();
let freezeAt: number | undefined;
let packets = 0;

events.on('stream.sample', (s) => {
  if (s.kind === 'connected') connected.add(s.cameraId);
  if (s.kind === 'packets') packets += 1;
  if (s.kind === 'stall' && freezeAt !== undefined && !stalls.has(s.cameraId)) {
    stalls.set(s.cameraId, s.at - freezeAt);
    if (stalls.size === targets.length) report();
  }
});

const monitor = new StreamMonitor(
  { clock: systemClock, net: systemNet, log: silentLog(), events },
  { stallSeconds, backoff: { initialMs: 500, maxMs: 5000, jitter: 0.5 } },
  targets,
);

function report(): void {
  process.stdout.write(`${JSON.stringify({ type: 'stalls', latenciesMs: [...stalls.values()] })}\n`);
}

await monitor.start(new AbortController().signal);
const status = setInterval(() => {
  const pid = process.pid;
  process.stdout.write(`${JSON.stringify({ type: 'status', pid, connected: connected.size, packets })}\n`);
}, 1000);

createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, arg] = line.trim().split(' ');
  if (cmd === 'freeze') {
    freezeAt = Number(arg);
    setTimeout(report, (stallSeconds + 8) * 1000).unref();
  } else if (cmd === 'gc') {
    // Run with --expose-gc: collect before PSS is read so garbage does not count as cost.
    (globalThis as { gc?: () => void }).gc?.();
    process.stdout.write(`${JSON.stringify({ type: 'gc' })}\n`);
  } else if (cmd === 'quit') {
    clearInterval(status);
    void monitor.stop().then(() => process.exit(0));
  }
});
