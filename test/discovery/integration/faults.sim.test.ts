import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimSite, startSite } from '../../../fixtures/sim/site.js';
import { discover } from '../../../src/discovery/discover.js';
import { systemClock } from '../../../src/shared/clock.js';
import { silentLog } from '../../../src/shared/log.js';
import { systemNet } from '../../../src/shared/net.js';
import { testBase } from '../../fixtures/sim/helpers.js';
import { siteConfig } from './siteConfig.js';

const deps = { clock: systemClock, net: systemNet, log: silentLog() };
// garbage and slowDrip are RTSP-side faults of the simulator; the ONVIF side is covered by these five.
const FAULTS = ['malformedXml', 'entityExpansion', 'hugeBody', 'hang', 'wrongPassword'] as const;
const EXPECTED_CODE: Record<(typeof FAULTS)[number], string> = {
  malformedXml: 'ONVIF_MALFORMED',
  entityExpansion: 'ONVIF_MALFORMED',
  hugeBody: 'ONVIF_TOO_LARGE',
  hang: 'ONVIF_TIMEOUT',
  wrongPassword: 'ONVIF_AUTH',
};

describe('hostile and broken cameras are marked, in bounded time, without harming the others', () => {
  let site: SimSite;
  beforeAll(async () => {
    site = await startSite({
      baseAddress: testBase(43),
      cameras: [
        { kind: 'overview' },
        ...FAULTS.map((f) => ({ kind: 'overview' as const, faults: [f] })),
        { kind: 'lpr' },
      ],
    });
  }, 120_000);
  afterAll(async () => {
    await site?.stop();
  });

  it('each fault gives its problem code; healthy neighbours are complete', async () => {
    const config = siteConfig({ ranges: [`${testBase(43, 0)}/28`] });
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const run = await discover(deps, { ...config, multicast: false, callDeadlineMs: 2000 });
    const elapsed = performance.now() - started;
    // Probe window + one call deadline per stage for the hang camera, with slack; never minutes.
    expect(elapsed).toBeLessThan(20_000);
    // 50 MB hugeBody and billion-laughs must not be buffered or expanded.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 1024 * 1024);
    FAULTS.forEach((fault, i) => {
      const cam = site.cameras[i + 1];
      const r = run.results.find((x) => x.target.address === cam?.address);
      expect(r, fault).toBeDefined();
      expect(r?.problem?.code, `${fault}: ${r?.problem?.message}`).toBe(EXPECTED_CODE[fault]);
      expect(r?.problem?.message).toBeTruthy();
    });
    for (const cam of [site.cameras[0], site.cameras[FAULTS.length + 1]]) {
      const r = run.results.find((x) => x.target.address === cam?.address);
      expect(r?.problem).toBeUndefined();
      expect(r?.classification.class).toBe(cam?.kind);
      expect(r?.profiles.length).toBe(2);
    }
  }, 60_000);

  it('a camera whose password was changed is listed as ONVIF_AUTH and the message never carries the password', async () => {
    const config = siteConfig({ ranges: [`${testBase(43, 0)}/28`] });
    const run = await discover(deps, { ...config, multicast: false, callDeadlineMs: 2000 });
    const bad = run.results.find((r) => r.target.address === site.cameras[5]?.address);
    expect(bad?.problem?.code).toBe('ONVIF_AUTH');
    expect(JSON.stringify(run.results)).not.toContain('sim-secret');
  }, 60_000);
});
