import fs from 'node:fs';
import path from 'node:path';
import { type SimSite, startSite } from '../../fixtures/sim/site.js';
import { testBase } from '../fixtures/sim/helpers.js';
import { repoRoot, startDaemon } from './cli.js';
import { tempConfig } from './tempSite.js';

export interface SimSiteDaemon {
  readonly site: SimSite;
  readonly cfg: ReturnType<typeof tempConfig>;
  readonly daemon: Awaited<ReturnType<typeof startDaemon>>;
  /** Stops the daemon, then the simulated site, then removes the config directory. */
  stop(): Promise<void>;
}

/**
 * The product as an integrator runs it: a simulated site of three cameras (overview, panoramic,
 * lpr; 2/1/1 planned, so one overview is missing) and the real `camgate run` subprocess (the built
 * CLI) finding them by a unicast sweep and reporting to `brokerUrl`; stalls are judged in 2 s.
 * Used by the site end-to-end test and the centre's real-daemon test.
 */
export async function startSimSiteDaemon(opts: {
  /** This test file's own octet of the loopback test range (`testBase`). */
  readonly fileOctet: number;
  readonly siteId: string;
  readonly password: string;
  readonly brokerUrl: string;
}): Promise<SimSiteDaemon> {
  if (!fs.existsSync(path.join(repoRoot, 'dist/src/cli/main.js')))
    throw new Error('run `npm run build` first');
  const base = testBase(opts.fileOctet);
  const site = await startSite({
    cameras: [{ kind: 'overview' }, { kind: 'panoramic' }, { kind: 'lpr' }],
    baseAddress: base,
    password: opts.password,
    discovery: false,
  });
  const onvifPort = site.cameras[0]?.onvifPort ?? 8080;
  const cfg = tempConfig(
    [
      `discovery: { multicast: false, ranges: ["${base.replace(/\.\d+$/, '.0')}/28"], ports: [${onvifPort}], probeWindowSeconds: 1 }`,
      `site: { id: ${opts.siteId}, planned: { overview: 2, panoramic: 1, lpr: 1 } }`,
      `credentials: [{ match: "*", username: admin, password: "${opts.password}" }]`,
      `mqtt: { url: "${opts.brokerUrl}" }`,
      'health: { stallSeconds: 2, hysteresisSeconds: 1 }',
    ].join('\n'),
  );
  let daemon: SimSiteDaemon['daemon'];
  try {
    daemon = await startDaemon(cfg.configPath);
  } catch (err) {
    await site.stop();
    cfg.cleanup();
    throw err;
  }
  return {
    site,
    cfg,
    daemon,
    async stop() {
      await daemon.stop();
      await site.stop();
      cfg.cleanup();
    },
  };
}
