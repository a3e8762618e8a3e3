import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimSite, startSite } from '../../../fixtures/sim/site.js';
import type { CameraRecord } from '../../../src/shared/types.js';
import { testBase, testPrefix } from '../../fixtures/sim/helpers.js';
import { repoRoot, runCli, runCliInProcess, startDaemon } from '../../helpers/cli.js';
import { tempConfig } from '../../helpers/tempSite.js';

// A random loopback /16 per run (testBase): other runs on this host bind their own sites too.
const BASE = testBase(45);
const RANGE = `${testBase(45, 0)}/28`;
const PREFIX = testPrefix(45);
const SPOOF_PREFIX = testPrefix(145); // the spoof fault: third octet + 100

describe('camgate discover / cameras / rediscover against the simulator (subprocess, built CLI)', () => {
  let site: SimSite;
  let cfg: ReturnType<typeof tempConfig>;
  beforeAll(async () => {
    if (!fs.existsSync(path.join(repoRoot, 'dist/src/cli/main.js')))
      throw new Error('run `npm run build` first');
    site = await startSite({
      baseAddress: BASE,
      cameras: [
        { kind: 'overview' },
        { kind: 'overview' },
        { kind: 'panoramic' },
        { kind: 'panoramic' },
        { kind: 'lpr' },
        { kind: 'lpr' },
        { kind: 'overview', faults: ['spoof'] },
      ],
    });
    // Unicast only (ranges): multicast on lo would also reach the other test files' sites.
    cfg = tempConfig(
      `discovery: { interfaces: [lo], ranges: ["${RANGE}"], ports: [8080], probeWindowSeconds: 1, missedSweepsBeforeRemoved: 1 }
credentials:
  - { match: "*", username: admin, password: sim-secret }
site: { id: test-site, planned: { overview: 3, panoramic: 2, lpr: 2 } }
`.replace(/^site:.*\n/m, ''),
    );
  }, 120_000);
  afterAll(async () => {
    await site?.stop();
    cfg?.cleanup();
  });

  /** Unicast over the site's loopback range only. */
  const discoverArgs = () => [
    'discover',
    '--config',
    cfg.configPath,
    '--range',
    RANGE,
    '--interface',
    'lo',
    '--timeout',
    '1',
  ];

  it('`camgate discover --json --range` prints one JSON document with every camera classified', async () => {
    const res = await runCli([...discoverArgs(), '--json'], {}, 60_000);
    expect(res.code, res.stderr).toBe(0);
    const doc = JSON.parse(res.stdout) as {
      cameras: CameraRecord[];
      byClass: Record<string, { installed: number }>;
    };
    const ours = doc.cameras.filter((c) => c.address.startsWith(PREFIX));
    for (const cam of site.cameras) {
      const r = ours.find((c) => c.address === cam.address);
      expect(r, cam.address).toBeDefined();
      expect(r?.class).toBe(cam.kind);
      expect(r?.id).toBe(`cam-${cam.mac.replace(/:/g, '').toLowerCase()}`);
      expect(r?.problem).toBeUndefined();
    }
    // The spoofer's ProbeMatch names SPOOF_PREFIX.7 (outside the range, not its source): never listed.
    expect(doc.cameras.filter((c) => c.address.startsWith(SPOOF_PREFIX))).toEqual([]);
    expect(res.stdout).not.toContain('sim-secret');
  }, 90_000);

  it('`camgate discover` table and usage errors', async () => {
    const table = await runCli(discoverArgs(), {}, 60_000);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/ID\s+ADDRESS\s+CLASS/);
    expect(table.stdout).toContain('lpr');
    // Not a terminal: no progress line on stderr.
    expect(table.stderr).not.toContain('discovering');
    const bad = await runCli(['discover', '--config', cfg.configPath, '--range', '10.0.0.0/33']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--range');
  }, 90_000);

  it('on a terminal, `camgate discover` shows its progress on stderr and clears it; --json stays clean', async () => {
    const argv = discoverArgs();
    const tty = await runCliInProcess(argv, {}, { tty: true });
    expect(tty.code, tty.stderr).toBe(0);
    expect(tty.stderr).toContain('discovering: probing and sweeping');
    const counts = [...tty.stderr.matchAll(/discovering: (\d+)\/(\d+) cameras interrogated/g)];
    const last = counts.at(-1);
    expect(Number(last?.[2])).toBeGreaterThanOrEqual(site.cameras.length - 1);
    expect(last?.[1]).toBe(last?.[2]);
    expect(tty.stderr.endsWith('\r')).toBe(true);
    expect(tty.stdout).not.toContain('\r');
    const json = await runCliInProcess([...argv, '--json'], {}, { tty: true });
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout).cameras.length).toBeGreaterThanOrEqual(site.cameras.length - 1);
  }, 90_000);

  it('the daemon keeps the inventory: `camgate cameras --json` and POST /rediscover via the status board', async () => {
    const daemon = await startDaemon(cfg.configPath);
    try {
      let cameras: CameraRecord[] = [];
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        const res = await runCli(['cameras', '--json', '--config', cfg.configPath]);
        cameras = (JSON.parse(res.stdout) as { cameras: CameraRecord[] }).cameras;
        if (cameras.filter((c) => c.address.startsWith(PREFIX)).length >= site.cameras.length) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      for (const cam of site.cameras)
        expect(cameras.find((c) => c.address === cam.address)?.class).toBe(cam.kind);
      const status = JSON.parse((await runCli(['status', '--json', '--config', cfg.configPath])).stdout);
      expect(status.discovery.byClass.lpr.installed).toBeGreaterThanOrEqual(2);
      expect(status.cameras.map((c: { address: string }) => c.address)).toEqual(
        expect.arrayContaining(site.cameras.map((c) => c.address)),
      );
      const table = await runCli(['cameras', '--config', cfg.configPath]);
      expect(table.stdout).toMatch(/ID\s+ADDRESS\s+MANUFACTURER/);
    } finally {
      expect(await daemon.stop()).toBe(0);
    }
  }, 90_000);
});
