import { describe, expect, it } from 'vitest';
import { startSite } from '../../../fixtures/sim/site.js';
import { HelloListener } from '../../../src/discovery/helloListener.js';
import type { DiscoveredTarget } from '../../../src/discovery/interrogate.js';
import { silentLog } from '../../../src/shared/log.js';
import { systemNet } from '../../../src/shared/net.js';

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
      const site = await startSite({ baseAddress: '127.0.47.1', cameras: [{ kind: 'lpr' }] });
      const cam = site.cameras[0];
      await site.stop();
      await new Promise((r) => setTimeout(r, 300));
      const mine = hellos.filter((h) => h.address === cam?.address);
      expect(mine).toEqual([expect.objectContaining({ endpointRef: cam?.endpointRef, via: 'hello' })]);
      expect(mine[0]?.xaddr).toBe(cam?.xaddr);
      expect(byes).toContain(cam?.endpointRef);
    } finally {
      await listener.stop();
    }
  }, 60_000);
});
