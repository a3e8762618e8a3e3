import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetLab, type SimProcess } from '../../../fixtures/sim/netns.js';
import type { CameraRecord } from '../../../src/shared/types.js';
import { tempConfig } from '../../helpers/tempSite.js';

const notRoot = process.getuid?.() !== 0;
const KINDS = ['overview', 'panoramic', 'lpr', 'lpr'] as const;

/**
 * Real multicast on a real (bridge) interface, not loopback: cameras in their own namespaces on
 * 10.77.1.0/24, discovery run by the built CLI inside the lab's client namespace. Needs root for
 * `ip netns`; skipped otherwise. The two-subnet + routed-range site is routedSite.sim.test.ts.
 */
describe.skipIf(notRoot)('camgate discover inside network namespaces (needs root)', () => {
  let lab: NetLab | undefined;
  const sims: SimProcess[] = [];
  let cfg: ReturnType<typeof tempConfig>;
  beforeAll(async () => {
    lab = await NetLab.create(KINDS.length);
    for (let i = 0; i < KINDS.length; i++)
      sims.push(await lab.startSim(i, ['--kinds', KINDS[i] ?? 'overview']));
    cfg = tempConfig(
      'discovery: { interfaces: [lo], ports: [8080], probeWindowSeconds: 1.5 }\ncredentials:\n  - { match: "*", username: admin, password: sim-secret }\n',
    );
  }, 180_000);
  afterAll(async () => {
    await lab?.destroy();
    cfg?.cleanup();
  }, 60_000);

  async function discoverIn(args: string[]): Promise<CameraRecord[]> {
    if (!lab) throw new Error('lab not built');
    const out = await lab.exec(
      lab.clientNs,
      [process.execPath, 'bin/camgate.js', 'discover', '--json', '--config', cfg.configPath, ...args],
      60_000,
    );
    return (JSON.parse(out) as { cameras: CameraRecord[] }).cameras;
  }

  it('multicast on the bridge interface finds and classifies every camera', async () => {
    const cameras = await discoverIn(['--interface', `br${lab?.id}`]);
    expect(cameras.map((c) => c.address).sort()).toEqual(sims.map((s) => s.address).sort());
    sims.forEach((s, i) => {
      expect(cameras.find((c) => c.address === s.address)?.class).toBe(KINDS[i]);
    });
    expect(cameras.every((c) => c.problem === undefined && c.profiles.length === 2)).toBe(true);
  }, 90_000);

  it('a unicast sweep of the subnet (no multicast reply needed) finds the same cameras', async () => {
    const cameras = await discoverIn(['--interface', 'lo', '--range', '10.77.1.0/24']);
    expect(cameras.map((c) => c.address).sort()).toEqual(sims.map((s) => s.address).sort());
  }, 90_000);
});
