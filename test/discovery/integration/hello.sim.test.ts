import { describe, expect, it } from 'vitest';
import { startSite } from '../../../fixtures/sim/site.js';
import { HelloListener } from '../../../src/discovery/helloListener.js';
import type { DiscoveredTarget } from '../../../src/discovery/interrogate.js';
import { silentLog } from '../../../src/shared/log.js';
import { systemNet } from '../../../src/shared/net.js';
import { testBase, until } from '../../fixtures/sim/helpers.js';

describe('passive Hello/Bye listener (loopback multicast)', () => {
  it('hears a camera boot (Hello) and shut down (Bye)', async () => {
    const hellos: DiscoveredTarget[] = [];
    const byes: string[] = [];
    const listener = new HelloListener(
      { net: systemNet, log: silentLog() },
      { interfaces: [{ name: 'lo', address: '127.0.0.1' }], ranges: [] },
      { hello: (t) => hellos.push(t), bye: (epr) => byes.push(epr) },
    );
    await listener.start();
    try {
      const site = await startSite({ baseAddress: testBase(47), cameras: [{ kind: 'lpr' }] });
      const cam = site.cameras[0];
      await site.stop();
      // Hello and Bye are datagrams on lo: wait for them to be heard, not for a fixed time.
      await until(
        () => byes.includes(cam?.endpointRef ?? '') && hellos.some((h) => h.address === cam?.address),
      );
      const mine = hellos.filter((h) => h.address === cam?.address);
      expect(mine).toEqual([expect.objectContaining({ endpointRef: cam?.endpointRef, via: 'hello' })]);
      expect(mine[0]?.xaddr).toBe(cam?.xaddr);
      expect(byes).toContain(cam?.endpointRef);
    } finally {
      await listener.stop();
    }
  }, 60_000);
});
