// Writes the demo's camgate.yaml from the simulator's camera list (one JSON line per camera).
import fs from 'node:fs';
import path from 'node:path';

const [dir, port] = process.argv.slice(2);
const cameras = fs
  .readFileSync(path.join(dir, 'sim.out'), 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('{'))
  .map((l) => JSON.parse(l));
const lines = [
  'site: { id: demo-site, name: "Demo site (simulated)", planned: { overview: 3, panoramic: 2, lpr: 2 } }',
  'gateway: { id: demo-gw }',
  `storage: { path: ${dir}/state }`,
  `control: { socket: ${dir}/control.sock }`,
  `mqtt: { url: "mqtt://127.0.0.1:${port}" }`,
  'credentials:',
  `  - { match: "*", username: admin, passwordFile: ${dir}/camera-password }`,
  'cameras:',
  ...cameras.map((c) => `  - { id: ${c.id}, rtsp: "${c.rtspSubUrl}", class: ${c.kind} }`),
];
console.log(lines.join('\n'));
