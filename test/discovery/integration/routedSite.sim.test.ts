import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CameraRecord } from '../../../src/shared/types.js';
import { type LabCamera, SiteLab } from '../../helpers/siteLab.js';
import { tempConfig } from '../../helpers/tempSite.js';

const notRoot = process.getuid?.() !== 0;
const PASSWORD = 'lab-secret-7';
const SPECS: LabCamera[] = [
  { subnet: 'a', kind: 'overview' },
  { subnet: 'a', kind: 'lpr' },
  { subnet: 'a', kind: 'overview', spoof: true },
  { subnet: 'b', kind: 'panoramic' },
  { subnet: 'b', kind: 'overview' },
  { subnet: 'c', kind: 'lpr' },
  { subnet: 'c', kind: 'panoramic' },
];

/**
 * The site: two subnets on two interfaces of the gateway (multicast), plus a routed one
 * reached only through `discovery.ranges`, and a spoofing responder whose XAddrs name another host.
 */
describe.skipIf(notRoot)(
  'camgate discover on a routed multi-subnet site (network namespaces, needs root)',
  () => {
    let lab: SiteLab | undefined;
    let cfg: ReturnType<typeof tempConfig>;

    beforeAll(async () => {
      lab = await SiteLab.create(SPECS);
      await lab.startCameras(PASSWORD);
      cfg = tempConfig(
        [
          'discovery: { interfaces: [brA, brB], ranges: [10.78.3.0/24], ports: [8080], probeWindowSeconds: 2 }',
          `credentials: [{ match: "*", username: admin, password: "${PASSWORD}" }]`,
        ].join('\n'),
      );
    }, 180_000);

    afterAll(async () => {
      await lab?.destroy();
      cfg?.cleanup();
    }, 60_000);

    it('finds every honest camera on all three subnets with its class, and none of the spoofed ones', async () => {
      if (!lab) throw new Error('lab not built');
      const out = await lab.exec([
        process.execPath,
        'bin/camgate.js',
        'discover',
        '--json',
        '--config',
        cfg.configPath,
      ]);
      const cameras = (JSON.parse(out) as { cameras: CameraRecord[] }).cameras;
      const honest = lab.cameras.filter((c) => !c.spec.spoof);
      expect(cameras.map((c) => c.address).sort()).toEqual(honest.map((c) => c.address).sort());
      for (const c of honest) {
        expect(cameras.find((x) => x.address === c.address)?.class, c.address).toBe(c.spec.kind);
      }
      expect(cameras.every((c) => c.problem === undefined)).toBe(true);
      expect(out).not.toContain(PASSWORD);
    }, 90_000);
  },
);
