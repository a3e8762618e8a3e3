import { type Check, ok, warn } from './check.js';

/** `*` and a /0 match every address: both hand the password to whoever answers. */
function matchesAnything(match: string): boolean {
  return match === '*' || /\/0$/.test(match);
}

/**
 * Credentials go only where they belong. With WS-Discovery multicast on, any device on the camera
 * LAN can announce itself (a Hello whose XAddr is its own address passes every check) and be
 * interrogated with the first matching credential: a `*` credential is then sent to it.
 */
export const credentialScopeCheck: Check = async ({ config }) => {
  if (!config)
    return [warn('credentials', 'skipped: configuration did not load', 'fix the configuration first')];
  const wide = config.credentials
    .map((c, i) => ({ i, match: c.match }))
    .filter((c) => matchesAnything(c.match));
  if (config.credentials.length === 0) return [ok('credentials', 'no camera credentials configured')];
  if (wide.length === 0) {
    return [ok('credentials', `scoped: ${config.credentials.map((c) => c.match).join(', ')}`)];
  }
  const which = wide.map((c) => `credentials[${c.i}] (match "${c.match}")`).join(', ');
  const ranges = config.discovery.ranges;
  const example = ranges.length > 0 ? ranges.join('", "') : '10.0.0.0/24';
  if (!config.discovery.multicast) {
    return [
      ok(
        'credentials',
        `${which} matches any address; multicast discovery is off, so only swept ranges and configured cameras get it`,
      ),
    ];
  }
  return [
    warn(
      'credentials',
      `${which} matches any address while multicast discovery is on: any device on the LAN that answers WS-Discovery is sent this password`,
      `replace "${wide[0]?.match ?? '*'}" with the cameras' subnet, e.g. match: "${example}"`,
    ),
  ];
};
