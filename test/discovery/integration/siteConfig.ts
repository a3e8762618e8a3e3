import { type Config, configSchema } from '../../../src/config/schema.js';

/** A validated config for a simulated site on loopback; tests override discovery fields. */
export function siteConfig(
  discovery: Partial<Config['discovery']>,
  extra: Partial<Record<string, unknown>> = {},
): Config {
  return configSchema.parse({
    site: { id: 'sim-site', planned: { overview: 3, panoramic: 2, lpr: 3 } },
    gateway: { id: 'gw-test' },
    discovery: { interfaces: ['lo'], ranges: [], probeWindowSeconds: 1.5, ports: [8080], ...discovery },
    credentials: [{ match: '*', username: 'admin', password: 'sim-secret' }],
    ...extra,
  });
}
