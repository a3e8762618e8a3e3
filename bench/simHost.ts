/**
 * One shard of the site simulator for `bench/daemon.ts`, in its own process so that its CPU is
 * neither ours nor the daemon's, with the freeze switch on stdin (the simulator's own `main.ts`
 * has none). Usage: `node --import tsx bench/simHost.ts COUNT BASE PASSWORD`.
 * Prints one JSON line per camera `{id, url}` (its sub stream, ~100 kbit/s), then `ready`.
 * stdin: `freeze FROM TO` / `thaw FROM TO` (camera indexes, TO exclusive), answered `ack CMD`.
 */
import { createInterface } from 'node:readline';
import { startSite } from '../fixtures/sim/site.js';

const [count, base, password] = process.argv.slice(2);
const site = await startSite({
  cameras: Array.from({ length: Number(count) }, (_, i) => ({
    kind: (['overview', 'panoramic', 'lpr'] as const)[i % 3] ?? 'overview',
  })),
  baseAddress: base ?? '127.0.90.1',
  password: password ?? 'bench-secret',
  discovery: false,
});
for (const c of site.cameras) process.stdout.write(`${JSON.stringify({ id: c.id, url: c.rtspSubUrl })}\n`);
process.stdout.write('ready\n');

createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, from, to] = line.trim().split(' ');
  if (cmd === 'quit') {
    void site.stop().then(() => process.exit(0));
    return;
  }
  if (cmd !== 'freeze' && cmd !== 'thaw') return;
  for (const c of site.cameras.slice(Number(from ?? 0), Number(to ?? site.cameras.length)))
    c.setFault('freeze', cmd === 'freeze');
  process.stdout.write(`ack ${cmd}\n`);
});
process.stdin.on('end', () => {
  void site.stop().then(() => process.exit(0));
});
