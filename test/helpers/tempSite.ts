import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A temp directory with a config file for a daemon under test; removed by `cleanup()`. */
export function tempConfig(extraYaml = ''): {
  dir: string;
  configPath: string;
  socket: string;
  cleanup: () => void;
} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-test-'));
  const socket = path.join(dir, 'control.sock');
  const configPath = path.join(dir, 'camgate.yaml');
  // Discovery must never probe this machine's real LAN from a test, and other test runs' simulators
  // answer multicast on loopback too: no multicast unless a test asks for it.
  const discovery = /^discovery:/m.test(extraYaml)
    ? ''
    : 'discovery: { multicast: false, probeWindowSeconds: 1 }\n';
  const site = /^site:/m.test(extraYaml) ? '' : 'site: { id: test-site, name: "Test site" }\n';
  fs.writeFileSync(
    configPath,
    `${site}gateway: { id: gw-test }
storage: { path: ${path.join(dir, 'state')} }
control: { socket: ${socket} }
${discovery}${extraYaml}`,
  );
  return { dir, configPath, socket, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
