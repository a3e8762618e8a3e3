import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimSite, startSite } from '../../../fixtures/sim/site.js';
import { discover } from '../../../src/discovery/discover.js';
import { probeSweep } from '../../../src/discovery/prober.js';
import { expandRanges, httpSweep } from '../../../src/discovery/sweep.js';
import { systemClock } from '../../../src/shared/clock.js';
import { silentLog } from '../../../src/shared/log.js';
import { systemNet } from '../../../src/shared/net.js';
import { testBase, testPrefix } from '../../fixtures/sim/helpers.js';
import { siteConfig } from './siteConfig.js';

const deps = { clock: systemClock, net: systemNet, log: silentLog() };
// A random loopback /16 per run (testBase): other runs on this host bind their own sites too.
const RANGE = `${testBase(41, 0)}/28`;
const PREFIX = testPrefix(41);
const SPOOF_PREFIX = testPrefix(141); // the spoof fault: third octet + 100

describe('discovery against the simulated site (loopback, real sockets)', () => {
  let site: SimSite;
  beforeAll(async () => {
    site = await startSite({
      baseAddress: testBase(41),
      cameras: [
        { kind: 'overview' },
        { kind: 'overview' },
        { kind: 'overview' },
        { kind: 'panoramic' },
        { kind: 'panoramic' },
        { kind: 'lpr' },
        { kind: 'lpr' },
        { kind: 'lpr' },
        { kind: 'overview', faults: ['spoof'] },
      ],
    });
  }, 120_000);
  afterAll(async () => {
    await site?.stop();
  });

  it('multicast on lo finds every honest camera with the right class, MAC and streams; drops the spoofed one', async () => {
    const config = siteConfig({});
    const all = await discover(deps, { ...config, discovery: config.discovery });
    // Other test files run their own sites on lo in parallel; multicast reaches them too.
    const run = { ...all, results: all.results.filter((r) => r.target.address.startsWith(PREFIX)) };
    const honest = site.cameras.slice(0, 8);
    const spoofer = site.cameras[8];
    expect(run.results.map((r) => r.target.address).sort()).toEqual(honest.map((c) => c.address).sort());
    expect(run.dropped.spoofed).toBeGreaterThan(0);
    for (const cam of honest) {
      const r = run.results.find((x) => x.target.address === cam.address);
      expect(r?.problem).toBeUndefined();
      expect(r?.classification.class).toBe(cam.kind);
      expect(r?.mac).toBe(cam.mac.toLowerCase());
      expect(r?.info.serial).toBe(cam.serial);
      expect(r?.target.endpointRef).toBe(cam.endpointRef);
      const main = r?.profiles.find((p) => p.role === 'main');
      const sub = r?.profiles.find((p) => p.role === 'sub');
      expect(main?.rtspUrl).toBe(cam.rtspMainUrl);
      expect(sub?.rtspUrl).toBe(cam.rtspSubUrl);
      expect(r?.snapshotUri).toMatch(new RegExp(`^http://${cam.address.replace(/\./g, '\\.')}:`));
      expect(Math.abs(r?.clockOffsetMs ?? 99_999)).toBeLessThan(5000);
    }
    expect(run.results.some((r) => r.target.address === spoofer?.address)).toBe(false);
    // …nor the address its ProbeMatch claims (sim: third octet + 100).
    expect(all.results.some((r) => r.target.address.startsWith(SPOOF_PREFIX))).toBe(false);
  });

  it('unicast WS-Discovery probes alone (no multicast socket) find the cameras in a range; spoofed XAddrs dropped', async () => {
    // interfaces: [] here means "no multicast socket at all": never probe a real LAN from a test.
    const addresses = site.cameras.map((c) => c.address);
    const res = await probeSweep(deps, {
      interfaces: [],
      unicastTargets: addresses,
      ranges: [RANGE],
      windowMs: 1000,
    });
    const found = res.targets.map((t) => t.address).sort();
    expect(found).toEqual(
      site.cameras
        .slice(0, 8)
        .map((c) => c.address)
        .sort(),
    );
    expect(res.targets.every((t) => t.via === 'unicast')).toBe(true);
    expect(res.dropped.spoofed).toBeGreaterThan(0);
  });

  it('HTTP sweep of a /28 finds every ONVIF service by unauthenticated GetSystemDateAndTime', async () => {
    const found = await httpSweep(deps, { addresses: expandRanges([RANGE]), ports: [80, 8080] });
    const addresses = found.map((t) => t.address);
    for (const cam of site.cameras) expect(addresses).toContain(cam.address);
    expect(found.every((t) => t.xaddr.endsWith(':8080/onvif/device_service'))).toBe(true);
  });

  it('discover() with ranges merges sweep and probes without duplicates', async () => {
    const config = siteConfig({ ranges: [RANGE] });
    const run = await discover(deps, { ...config, discovery: config.discovery });
    const addresses = run.results.map((r) => r.target.address);
    expect(new Set(addresses).size).toBe(addresses.length);
    expect(addresses.filter((a) => a.startsWith(PREFIX)).sort()).toEqual(
      site.cameras.map((c) => c.address).sort(),
    );
    expect(run.results.filter((r) => r.problem && r.target.address.startsWith(PREFIX))).toEqual([]);
  });
});
