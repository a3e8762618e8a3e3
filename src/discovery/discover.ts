import { configEntryFor } from '../config/cameraEntry.js';
import { type Credential, credentialFor } from '../config/credentials.js';
import type { Config } from '../config/schema.js';
import type { Clock } from '../shared/clock.js';
import type { Log } from '../shared/log.js';
import type { Net } from '../shared/net.js';
import { probeInterfaces } from './interfaces.js';
import { type ClassOverride, type DiscoveredTarget, type Interrogation, interrogate } from './interrogate.js';
import { SoapOnvifDevice } from './onvifDevice.js';
import { probeSweep } from './prober.js';
import { expandRanges, httpSweep } from './sweep.js';

export interface DiscoverDeps {
  readonly clock: Clock;
  readonly net: Net;
  readonly log: Log;
}

export interface DiscoverOptions {
  readonly discovery: Config['discovery'];
  readonly cameras: Config['cameras'];
  readonly credentials: Config['credentials'];
  readonly signal?: AbortSignal;
  /** Per ONVIF call; a hanging camera is marked after this long. */
  readonly callDeadlineMs?: number;
  readonly maxResponseBytes?: number;
  readonly concurrency?: number;
  /** false: unicast only (ranges and configured addresses), no multicast socket. */
  readonly multicast?: boolean;
  /** Called when finding ends and after each interrogation, for a technician's progress line. */
  readonly onProgress?: (p: DiscoveryProgress) => void;
}

export interface DiscoveryProgress {
  readonly phase: 'finding' | 'interrogating';
  /** Devices found so far (known once finding ends). */
  readonly found: number;
  readonly interrogated: number;
}

export interface DiscoveryRun {
  readonly targets: readonly DiscoveredTarget[];
  readonly results: readonly Interrogation[];
  readonly dropped: { readonly spoofed: number; readonly unsolicited: number; readonly malformed: number };
  readonly durationMs: number;
  /** Of which finding devices (probe window, sweep); the rest is interrogation. */
  readonly findMs: number;
}

/** Finds devices (WS-Discovery multicast + unicast, HTTP sweep of ranges, configured addresses) and interrogates each. */
export async function discover(deps: DiscoverDeps, options: DiscoverOptions): Promise<DiscoveryRun> {
  const started = deps.clock.monotonic();
  const d = options.discovery;
  const interfaces =
    options.multicast === false || !d.multicast ? [] : probeInterfaces(deps.net, d.interfaces);
  const addresses = expandRanges(d.ranges);
  const windowMs = d.probeWindowSeconds * 1000;
  options.onProgress?.({ phase: 'finding', found: 0, interrogated: 0 });
  const [probe, swept] = await Promise.all([
    probeSweep(deps, {
      interfaces,
      unicastTargets: addresses,
      ranges: d.ranges,
      windowMs,
      signal: options.signal,
    }),
    addresses.length
      ? httpSweep(deps, {
          addresses,
          ports: d.ports,
          // Per host, independent of the probe window: a busy NVR-side switch or camera web server
          // can take a couple of seconds to accept; a /24 at 128 hosts in flight is still ~5 s worst case.
          deadlineMs: 2500,
          signal: options.signal,
        })
      : Promise.resolve([]),
  ]);
  const targets = mergeTargets(probe.targets, swept, configTargets(options.cameras));
  deps.log.info(
    {
      interfaces: interfaces.map((i) => i.name),
      ranges: d.ranges,
      found: targets.length,
      dropped: probe.dropped,
    },
    'discovery sweep done',
  );
  const findMs = Math.round(deps.clock.monotonic() - started);
  options.onProgress?.({ phase: 'interrogating', found: targets.length, interrogated: 0 });
  const results = await interrogateTargets(deps, targets, options);
  return {
    targets,
    results,
    dropped: probe.dropped,
    findMs,
    durationMs: Math.round(deps.clock.monotonic() - started),
  };
}

/** Configured ONVIF cameras (address, no rtsp) are interrogated even when nothing answered a probe. */
function configTargets(cameras: Config['cameras']): DiscoveredTarget[] {
  return cameras.flatMap((c) =>
    c.address && !c.rtsp
      ? [
          {
            address: c.address,
            xaddr: `http://${c.address}:${c.onvifPort}/onvif/device_service`,
            via: 'config' as const,
          },
        ]
      : [],
  );
}

/** WS-Discovery wins (it carries the EndpointReference); sweep and config only add unseen addresses. */
export function mergeTargets(...lists: (readonly DiscoveredTarget[])[]): DiscoveredTarget[] {
  const byKey = new Map<string, DiscoveredTarget>();
  const addresses = new Set<string>();
  for (const list of lists) {
    for (const t of list) {
      const key = `${t.endpointRef ?? ''} ${t.address}`;
      if (byKey.has(key) || (!t.endpointRef && addresses.has(t.address))) continue;
      byKey.set(key, t);
      addresses.add(t.address);
    }
  }
  return [...byKey.values()];
}

/** Interrogates known targets (a Hello, a configured address) with the same bounds as a sweep. */
export async function interrogateTargets(
  deps: DiscoverDeps,
  targets: readonly DiscoveredTarget[],
  options: DiscoverOptions,
): Promise<Interrogation[]> {
  const out: Interrogation[] = [];
  const override: ClassOverride = (facts) => configEntryFor(facts, options.cameras)?.class;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const target = targets[next++];
      if (!target) return;
      const entry = configEntryFor({ address: target.address }, options.cameras);
      const credential: Credential | undefined = credentialFor(
        { credentials: options.credentials },
        { id: entry?.id, address: target.address },
      );
      const device = new SoapOnvifDevice(deps, {
        xaddr: target.xaddr,
        address: target.address,
        credential,
        deadlineMs: options.callDeadlineMs ?? 4000,
        maxBytes: options.maxResponseBytes ?? 2 * 1024 * 1024,
        signal: options.signal,
      });
      const result = await interrogate(device, target, override);
      if (result.problem)
        deps.log.warn({ address: target.address, problem: result.problem }, 'camera interrogation failed');
      out.push(result);
      options.onProgress?.({ phase: 'interrogating', found: targets.length, interrogated: out.length });
    }
  };
  const n = Math.min(options.concurrency ?? 64, targets.length);
  await Promise.all(Array.from({ length: n }, worker));
  return out.sort((a, b) => a.target.address.localeCompare(b.target.address, undefined, { numeric: true }));
}
