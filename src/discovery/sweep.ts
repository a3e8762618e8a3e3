import { ipv4ToInt } from '../config/credentials.js';
import type { Clock } from '../shared/clock.js';
import type { Log } from '../shared/log.js';
import type { Net } from '../shared/net.js';
import { boundedRequest, HttpDeadlineError } from './boundedHttp.js';
import type { DiscoveredTarget } from './interrogate.js';
import { NS, parseXml, soapBody } from './xml.js';

/** Largest sweep we accept: a /16. Bigger ranges are a configuration mistake, not a site. */
export const MAX_SWEEP_HOSTS = 65_536;

/** Host addresses of IPv4 CIDRs (network and broadcast excluded below /31), deduplicated, in order. */
export function expandRanges(ranges: readonly string[], max = MAX_SWEEP_HOSTS): string[] {
  const out = new Set<string>();
  for (const cidr of ranges) {
    const [base, bitsText] = cidr.split('/');
    const bits = Number(bitsText);
    if (!base || !(bits >= 0 && bits <= 32)) continue;
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    const network = (ipv4ToInt(base) & mask) >>> 0;
    const size = 2 ** (32 - bits);
    const [first, last] = bits >= 31 ? [0, size - 1] : [1, size - 2];
    for (let i = first; i <= last && out.size < max; i++) out.add(intToIpv4((network + i) >>> 0));
  }
  return [...out];
}

export function intToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface HttpSweepOptions {
  readonly addresses: readonly string[];
  readonly ports: readonly number[];
  readonly concurrency?: number;
  readonly deadlineMs?: number;
  readonly signal?: AbortSignal;
}

const PROBE_BODY =
  `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${NS.soap12}"><s:Body>` +
  `<GetSystemDateAndTime xmlns="${NS.tds}"/></s:Body></s:Envelope>`;

/**
 * Unicast sweep for routed/VLAN sites where multicast does not reach: an unauthenticated
 * GetSystemDateAndTime POST to /onvif/device_service on every port of every address, ports of one
 * host in parallel, `concurrency` hosts at a time, each host bounded by `deadlineMs`.
 */
export async function httpSweep(
  deps: { clock: Clock; net: Net; log: Log },
  options: HttpSweepOptions,
): Promise<DiscoveredTarget[]> {
  const found: DiscoveredTarget[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.addresses.length && !options.signal?.aborted) {
      const address = options.addresses[next++];
      if (address === undefined) return;
      const hit = await probeHost(deps, address, options);
      if (hit) found.push(hit);
    }
  };
  const workers = Math.min(options.concurrency ?? 128, options.addresses.length);
  await Promise.all(Array.from({ length: workers }, worker));
  return found;
}

async function probeHost(
  deps: { clock: Clock; net: Net; log: Log },
  address: string,
  options: HttpSweepOptions,
): Promise<DiscoveredTarget | undefined> {
  const answers = await Promise.all(
    options.ports.map(async (port) => {
      const xaddr = `http://${address}:${port}/onvif/device_service`;
      try {
        const res = await boundedRequest(deps, {
          url: xaddr,
          headers: { 'content-type': 'application/soap+xml; charset=utf-8' },
          body: PROBE_BODY,
          deadlineMs: options.deadlineMs ?? 1500,
          maxBytes: 256 * 1024,
          signal: options.signal,
        });
        return looksOnvif(res.status, res.body) ? xaddr : undefined;
      } catch (err) {
        // Something listens on the ONVIF path but never finished answering: list it, so that
        // interrogation marks it ONVIF_TIMEOUT instead of the camera silently not existing.
        if (err instanceof HttpDeadlineError && err.connected) return xaddr;
        deps.log.trace({ err, xaddr }, 'sweep: no ONVIF answer');
        return undefined;
      }
    }),
  );
  const xaddr = answers.find((a) => a !== undefined);
  return xaddr ? { address, xaddr, via: 'unicast' } : undefined;
}

/** A SOAP envelope, or a 401 (DVC and EZVIZ refuse even GetSystemDateAndTime without credentials). */
function looksOnvif(status: number, body: string): boolean {
  if (status === 401) return true;
  try {
    soapBody(parseXml(body, 256 * 1024));
    return true;
  } catch {
    // Some other web server on that port (a router page, a printer): not a camera.
    return false;
  }
}
