import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { expandRanges, httpSweep } from '../../src/discovery/sweep.js';
import { systemClock } from '../../src/shared/clock.js';
import { silentLog } from '../../src/shared/log.js';
import { systemNet } from '../../src/shared/net.js';

describe('expandRanges', () => {
  it('hosts only, deduplicated, bounded', () => {
    expect(expandRanges(['10.0.0.0/30'])).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(expandRanges(['10.0.0.5/32', '10.0.0.4/31'])).toEqual(['10.0.0.5', '10.0.0.4']);
    expect(expandRanges(['10.0.0.0/24']).length).toBe(254);
    expect(expandRanges(['10.0.0.0/8'], 1000).length).toBe(1000);
  });
});

describe('httpSweep', () => {
  it('lists a host that accepts on the ONVIF port but never answers (a wedged camera), skips closed ports', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const t0 = performance.now();
      const found = await httpSweep(
        { clock: systemClock, net: systemNet, log: silentLog() },
        { addresses: ['127.0.0.1'], ports: [port, 1], deadlineMs: 300 },
      );
      expect(found).toEqual([
        { address: '127.0.0.1', xaddr: `http://127.0.0.1:${port}/onvif/device_service`, via: 'unicast' },
      ]);
      expect(performance.now() - t0).toBeLessThan(2000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });
});
