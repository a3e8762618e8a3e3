// Writes the demo's camgate.yaml. The cameras are found by discovery: a unicast sweep of the
// simulator's loopback range, never a probe on a real network interface.
import fs from 'node:fs';
import path from 'node:path';

const [dir, port] = process.argv.slice(2);
const cameras = fs
  .readFileSync(path.join(dir, 'sim.out'), 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('{'))
  .map((l) => JSON.parse(l));
const last = cameras.at(-1)?.address ?? '127.0.1.1';
const hosts = Number(last.split('.')[3]);
const prefix = hosts < 16 ? 28 : hosts < 64 ? 26 : 24;
const lines = [
  'site: { id: demo-site, name: "Demo site (simulated)", planned: { overview: 3, panoramic: 2, lpr: 2 } }',
  'gateway: { id: demo-gw }',
  `storage: { path: ${dir}/state }`,
  `control: { socket: ${dir}/control.sock }`,
  `discovery: { multicast: false, ranges: [127.0.1.0/${prefix}], ports: [8080], intervalSeconds: 60, probeWindowSeconds: 1.5 }`,
  // camgate's own recorder, verified like any other: short segments so the demo shows them.
  `recording: { enabled: true, dir: ${dir}/recordings, segmentSeconds: 10, retentionDays: 1 }`,
  `mqtt: { url: "mqtt://127.0.0.1:${port}" }`,
  'credentials:',
  `  - { match: "*", username: admin, passwordFile: ${dir}/camera-password }`,
];
console.log(lines.join('\n'));
