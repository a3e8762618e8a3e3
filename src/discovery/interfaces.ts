import { UsageError } from '../shared/errors.js';
import type { Net } from '../shared/net.js';

export interface ProbeInterface {
  readonly name: string;
  readonly address: string;
}

/**
 * IPv4 interfaces to probe from. Empty `names`: every non-loopback IPv4 interface (Node does not
 * expose IFF_MULTICAST; loopback is excluded because multicast on `lo` only reaches this box).
 * Named interfaces are taken as given, `lo` included (tests and single-box labs use it).
 */
export function probeInterfaces(net: Net, names: readonly string[]): ProbeInterface[] {
  const all = net.interfaces();
  const out: ProbeInterface[] = [];
  const wanted = names.length ? names : Object.keys(all);
  for (const name of wanted) {
    const addrs = all[name];
    if (!addrs) {
      if (names.length) throw new UsageError(`discovery.interfaces: no interface named '${name}'`);
      continue;
    }
    for (const a of addrs) {
      if (a.family !== 'IPv4') continue;
      if (a.internal && !names.length) continue;
      out.push({ name, address: a.address });
    }
  }
  return out;
}
