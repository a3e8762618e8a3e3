import net from 'node:net';
import { readSecretFile } from './load.js';
import type { Config } from './schema.js';

export interface Credential {
  readonly username: string;
  readonly password: string;
  readonly allowBasic: boolean;
}

/** First match wins: camera id, exact address, CIDR containing the address, or "*". */
export function credentialFor(
  config: Pick<Config, 'credentials'>,
  camera: { id?: string; address?: string },
): Credential | undefined {
  for (const c of config.credentials) {
    if (!matches(c.match, camera)) continue;
    const password = c.password ?? (c.passwordFile ? readSecretFile(c.passwordFile) : '');
    return { username: c.username, password, allowBasic: c.allowBasic };
  }
  return undefined;
}

function matches(pattern: string, camera: { id?: string; address?: string }): boolean {
  if (pattern === '*') return true;
  if (camera.id !== undefined && pattern === camera.id) return true;
  if (!camera.address) return false;
  if (pattern === camera.address) return true;
  if (pattern.includes('/') && net.isIPv4(camera.address)) return inCidr(camera.address, pattern);
  return false;
}

export function ipv4ToInt(address: string): number {
  return address.split('.').reduce((acc, o) => ((acc << 8) | Number(o)) >>> 0, 0);
}

export function inCidr(address: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (!base || !net.isIPv4(base) || !(bits >= 0 && bits <= 32)) return false;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (ipv4ToInt(address) & mask) === (ipv4ToInt(base) & mask);
}
