/**
 * What one watched camera costs the shipped daemon, by heap snapshot: `camgate run` (built dist/)
 * with N and then N+K static simulator cameras (all online, 10 s settled), a heap snapshot of each
 * (SIGUSR2, `--heapsnapshot-signal`; V8 collects garbage before writing it), and the difference
 * per camera by constructor: bytes, and the count of `Timeout` objects (timers) and sockets.
 * Usage: npx tsx bench/daemonHeap.ts [N] [K]   (default 256 64)
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker } from '../test/uplink/helpers/mosquitto.js';
import { waitOnline } from './daemonProbes.js';
import { repoRoot, type SimShard, sleep, startShard, stopChild, writeConfig } from './daemonRig.js';

const n = Number(process.argv[2] ?? '256');
const k = Number(process.argv[3] ?? '64');
const PASSWORD = `heap-${process.pid}`;

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** Self size and count per constructor/type name (objects, closures, strings, code...). */
function summarize(file: string): Map<string, { bytes: number; count: number }> {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const out = new Map<string, { bytes: number; count: number }>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + (iType ?? 0)] ?? 0] ?? '?';
    const name =
      type === 'object' || type === 'native' ? snap.strings[snap.nodes[i + (iName ?? 1)] ?? 0] : `(${type})`;
    const key = name ?? '?';
    const e = out.get(key) ?? { bytes: 0, count: 0 };
    e.bytes += snap.nodes[i + (iSize ?? 3)] ?? 0;
    e.count += 1;
    out.set(key, e);
  }
  return out;
}

async function snapshotWith(count: number, shards: SimShard[], broker: Broker) {
  const dir = mkdtempSync(join(tmpdir(), 'camgate-bench-heap-'));
  const cameras = shards
    .flatMap((s, i) => s.cameras.map((c) => ({ id: `${c.id}-${i}`, url: c.url })))
    .slice(0, count);
  const configPath = writeConfig(dir, {
    brokerUrl: broker.url,
    password: PASSWORD,
    stallSeconds: 3,
    cameras,
  });
  const daemon = spawn(
    process.execPath,
    ['--heapsnapshot-signal=SIGUSR2', join(repoRoot, 'bin/camgate.js'), 'run', '--config', configPath],
    // The snapshot is written to the working directory: the temp dir.
    { cwd: dir, stdio: 'ignore' },
  );
  try {
    const online = await waitOnline(join(dir, 'control.sock'), count, 120_000);
    await sleep(10_000);
    daemon.kill('SIGUSR2');
    // Written in chunks with no end marker but the JSON's own end: parse until it is whole.
    for (let i = 0; i < 600; i++) {
      await sleep(1000);
      const found = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot'));
      if (!found) continue;
      try {
        return { online, summary: summarize(join(dir, found)) };
      } catch (err) {
        if (!(err instanceof SyntaxError)) throw err;
      }
    }
    throw new Error('no heap snapshot written');
  } finally {
    await stopChild(daemon);
    rmSync(dir, { recursive: true, force: true });
  }
}

const broker = await Broker.start({ persistence: false });
const b = 64 + Math.floor(Math.random() * 180);
const shards: SimShard[] = [];
for (let i = 0; i < Math.ceil((n + k) / 256); i++)
  shards.push(await startShard(Math.min(256, n + k - i * 256), `127.${b}.${2 * i + 100}.1`, PASSWORD));
try {
  const a = await snapshotWith(n, shards, broker);
  const c = await snapshotWith(n + k, shards, broker);
  const rows = [...new Set([...a.summary.keys(), ...c.summary.keys()])].map((name) => {
    const x = a.summary.get(name) ?? { bytes: 0, count: 0 };
    const y = c.summary.get(name) ?? { bytes: 0, count: 0 };
    return { name, bytesPerCamera: (y.bytes - x.bytes) / k, countPerCamera: (y.count - x.count) / k };
  });
  rows.sort((p, q) => q.bytesPerCamera - p.bytesPerCamera);
  const total = rows.reduce((s, r) => s + r.bytesPerCamera, 0);
  console.log(`online ${a.online}/${n} and ${c.online}/${n + k}; heap per camera ${total.toFixed(0)} B`);
  console.log('| constructor / type | bytes per camera | objects per camera |\n|---|---|---|');
  for (const r of rows.slice(0, 30))
    console.log(`| ${r.name} | ${r.bytesPerCamera.toFixed(0)} | ${r.countPerCamera.toFixed(2)} |`);
  for (const name of ['Timeout', 'TCP', 'Socket', 'TimersList'])
    console.log(`${name}: ${(rows.find((r) => r.name === name)?.countPerCamera ?? 0).toFixed(2)} per camera`);
  console.log(
    JSON.stringify({
      bench: 'daemonHeap',
      n,
      k,
      heapBytesPerCamera: Math.round(total),
      rows: rows.slice(0, 30),
    }),
  );
} finally {
  await Promise.all(shards.map((s) => stopChild(s.child)));
  await broker.dispose();
}
