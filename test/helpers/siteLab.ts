import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { ChildWatch } from '../../fixtures/childWatch.js';
import { teardownLab } from '../../fixtures/sim/netns.js';
import { repoRoot } from './cli.js';

const run = promisify(execFile);
const ip = async (...args: string[]): Promise<void> => {
  await run('ip', args);
};

export interface LabCamera {
  readonly subnet: 'a' | 'b' | 'c';
  readonly kind: 'overview' | 'panoramic' | 'lpr';
  readonly spoof?: boolean;
}

/**
 * A routed site in network namespaces (needs root), every address inside namespaces it created:
 *   gateway ns ── brA 10.78.1.1/24 ── cameras of subnet a (multicast reaches them)
 *              ── brB 10.78.2.1/24 ── cameras of subnet b (multicast reaches them)
 *              ── veth 10.78.9.1/30 ── router ns 10.78.9.2 ── brC 10.78.3.1/24 ── subnet c
 * Subnet c is routed: multicast never crosses the router, only a unicast sweep of `ranges` finds it.
 */
export class SiteLab {
  readonly gatewayNs: string;
  readonly cameras: { ns: string; address: string; spec: LabCamera }[] = [];
  private readonly namespaces: string[] = [];
  private readonly children = new Set<ChildProcess>();

  private constructor(readonly id: string) {
    this.gatewayNs = `cglab-${id}-gw`;
  }

  static async create(specs: readonly LabCamera[]): Promise<SiteLab> {
    const lab = new SiteLab(randomBytes(3).toString('hex'));
    try {
      await lab.build(specs);
    } catch (err) {
      await lab.destroy();
      throw err;
    }
    return lab;
  }

  private async ns(name: string): Promise<string> {
    await ip('netns', 'add', name);
    this.namespaces.push(name);
    await ip('-n', name, 'link', 'set', 'lo', 'up');
    return name;
  }

  private async bridge(ns: string, name: string, cidr: string): Promise<void> {
    await ip('-n', ns, 'link', 'add', name, 'type', 'bridge', 'mcast_snooping', '0');
    await ip('-n', ns, 'addr', 'add', cidr, 'dev', name);
    await ip('-n', ns, 'link', 'set', name, 'up');
  }

  private async build(specs: readonly LabCamera[]): Promise<void> {
    const gw = await this.ns(this.gatewayNs);
    const router = await this.ns(`cglab-${this.id}-rt`);
    await this.bridge(gw, 'brA', '10.78.1.1/24');
    await this.bridge(gw, 'brB', '10.78.2.1/24');
    await this.bridge(router, 'brC', '10.78.3.1/24');
    await ip('-n', gw, 'link', 'add', 'uplink', 'type', 'veth', 'peer', 'name', 'downlink', 'netns', router);
    await ip('-n', gw, 'addr', 'add', '10.78.9.1/30', 'dev', 'uplink');
    await ip('-n', gw, 'link', 'set', 'uplink', 'up');
    await ip('-n', router, 'addr', 'add', '10.78.9.2/30', 'dev', 'downlink');
    await ip('-n', router, 'link', 'set', 'downlink', 'up');
    await ip('-n', gw, 'route', 'add', '10.78.3.0/24', 'via', '10.78.9.2');
    await run('ip', ['netns', 'exec', router, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    const hostIndex = { a: 2, b: 2, c: 2 };
    for (const [i, spec] of specs.entries()) {
      const ns = await this.ns(`cglab-${this.id}-c${i}`);
      const octet = { a: 1, b: 2, c: 3 }[spec.subnet];
      const address = `10.78.${octet}.${hostIndex[spec.subnet]++}`;
      const owner = spec.subnet === 'c' ? router : gw;
      const outer = `v${this.id}${i}`;
      await ip('-n', owner, 'link', 'add', outer, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
      await ip('-n', owner, 'link', 'set', outer, 'master', `br${spec.subnet.toUpperCase()}`, 'up');
      await ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
      await ip('-n', ns, 'link', 'set', 'eth0', 'up');
      await ip('-n', ns, 'route', 'add', 'default', 'via', `10.78.${octet}.1`);
      this.cameras.push({ ns, address, spec });
    }
  }

  /** Starts one simulated camera per namespace; resolves when every one printed `ready`. */
  async startCameras(password: string): Promise<void> {
    await Promise.all(this.cameras.map((c) => this.startCamera(c, password)));
  }

  private startCamera(c: SiteLab['cameras'][number], password: string): Promise<void> {
    const argv = ['netns', 'exec', c.ns, process.execPath, '--import', 'tsx', 'fixtures/sim/main.ts'];
    argv.push('--cameras', '1', '--base', c.address, '--kinds', c.spec.kind, '--password', password);
    if (c.spec.spoof) argv.push('--faults', 'spoof');
    const child = spawn('ip', argv, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    // An early exit fails the start with the camera's own last stderr lines, not a bare exit code.
    const watch = new ChildWatch(child, `camera in ${c.ns}`);
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    return watch.whileAlive(
      new Promise<void>((resolve) => {
        lines.on('line', (line) => {
          if (line === 'ready') resolve();
        });
      }),
    );
  }

  async exec(argv: string[], timeoutMs = 60_000): Promise<string> {
    const { stdout } = await run('ip', ['netns', 'exec', this.gatewayNs, ...argv], {
      timeout: timeoutMs,
      cwd: repoRoot,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  }

  /** Kills the cameras it started (by PID) and deletes every namespace (their links go with them). */
  async destroy(): Promise<void> {
    await teardownLab(this.children, this.namespaces);
  }
}
