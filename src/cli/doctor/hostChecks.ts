import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Check, type CheckResult, fail, ok, warn } from './check.js';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/** statfs needs an existing path; before the first run the directory may not exist yet. */
function nearestExisting(dir: string): string {
  let p = path.resolve(dir);
  while (!fs.existsSync(p) && path.dirname(p) !== p) p = path.dirname(p);
  return p;
}

function freeSpace(dir: string): { free: number; total: number; on: string } {
  const on = nearestExisting(dir);
  const s = fs.statfsSync(on);
  return { free: s.bavail * s.bsize, total: s.blocks * s.bsize, on };
}

function size(bytes: number): string {
  return bytes >= GIB ? `${(bytes / GIB).toFixed(1)} GiB` : `${Math.round(bytes / MIB)} MiB`;
}

function diskLine(name: string, dir: string, floorPct: number): CheckResult {
  const { free, total, on } = freeSpace(dir);
  const pct = total > 0 ? (free / total) * 100 : 0;
  const detail = `${dir}: ${size(free)} free of ${size(total)} (${pct.toFixed(1)}%)${on === path.resolve(dir) ? '' : `, on ${on} (not created yet)`}`;
  const fix = `free space on the file system holding ${dir}, or move it (config: ${name === 'disk:database' ? 'storage.path' : 'recording.dir'})`;
  if (free < 100 * MIB || pct < floorPct / 2) return fail(name, detail, fix);
  if (free < GIB || pct < floorPct) return warn(name, detail, fix);
  return ok(name, detail);
}

export const diskCheck: Check = async ({ config }) => {
  if (!config) return [warn('disk', 'skipped: configuration did not load', 'fix the configuration first')];
  const lines = [diskLine('disk:database', config.storage.path, 5)];
  if (config.recording.enabled)
    lines.push(diskLine('disk:recordings', config.recording.dir, config.recording.minFreePercent));
  else lines.push(ok('disk:recordings', 'recording is off (recording.enabled: false)'));
  return lines;
};

// linux/if.h
const IFF_UP = 0x1;
const IFF_MULTICAST = 0x1000;

export interface InterfaceInfo {
  readonly name: string;
  readonly address: string;
  readonly loopback: boolean;
  readonly up: boolean;
  readonly multicast: boolean;
}

/** IPv4 interfaces with the kernel's UP and MULTICAST flags from /sys/class/net. */
export function ipv4Interfaces(sysfs = '/sys/class/net'): InterfaceInfo[] {
  const out: InterfaceInfo[] = [];
  for (const [name, addrs] of Object.entries(os.networkInterfaces())) {
    const v4 = (addrs ?? []).find((a) => a.family === 'IPv4');
    if (!v4) continue;
    let flags = 0;
    try {
      flags = Number.parseInt(fs.readFileSync(path.join(sysfs, name, 'flags'), 'utf8').trim(), 16);
    } catch (err) {
      // No sysfs (not Linux, or a restricted container): the flags are unknown, so claim nothing.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    out.push({
      name,
      address: v4.address,
      loopback: v4.internal,
      up: (flags & IFF_UP) !== 0,
      multicast: (flags & IFF_MULTICAST) !== 0,
    });
  }
  return out;
}

export const multicastCheck: Check = async ({ config }) => {
  if (config?.discovery.multicast === false) {
    return [
      ok('multicast', 'WS-Discovery multicast is off (discovery.multicast: false); unicast sweep only'),
    ];
  }
  const everything = ipv4Interfaces();
  const all = everything.filter((i) => !i.loopback);
  const capable = all.filter((i) => i.up && i.multicast);
  const list = (xs: readonly InterfaceInfo[]) => xs.map((i) => `${i.name} ${i.address}`).join(', ');
  const wanted = config?.discovery.interfaces ?? [];
  const results: CheckResult[] = [];
  for (const name of wanted) {
    const i = everything.find((x) => x.name === name);
    // Linux's lo has no IFF_MULTICAST flag, yet multicast routed to it works: it reaches this box only.
    if (i?.loopback)
      results.push(
        warn(
          `multicast:${name}`,
          `${i.address} is loopback: discovery reaches only this box`,
          'fine for tests and demos; name the camera interface on a site',
        ),
      );
    else if (!i)
      results.push(
        fail(
          `multicast:${name}`,
          'configured interface has no IPv4 address',
          'fix discovery.interfaces or the network setup',
        ),
      );
    else if (!(i.up && i.multicast))
      results.push(
        fail(
          `multicast:${name}`,
          `${i.address} is ${i.up ? 'up' : 'down'}, multicast ${i.multicast ? 'on' : 'off'}`,
          `ip link set ${name} up multicast on`,
        ),
      );
    else results.push(ok(`multicast:${name}`, `${i.address}, up, multicast`));
  }
  if (wanted.length > 0) return results;
  if (capable.length > 0) return [ok('multicast', `WS-Discovery can use ${list(capable)}`)];
  const ranges = config?.discovery.ranges.length ?? 0;
  return [
    warn(
      'multicast',
      all.length === 0
        ? 'no IPv4 interface besides loopback'
        : `no interface is up with multicast: ${list(all)}`,
      ranges > 0
        ? 'WS-Discovery is off; discovery sweeps discovery.ranges by unicast only'
        : 'enable multicast on the camera interface (ip link set IF multicast on) or set discovery.ranges',
    ),
  ];
};
