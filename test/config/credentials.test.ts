import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { credentialFor, inCidr } from '../../src/config/credentials.js';
import { parseConfigText } from '../../src/config/load.js';

describe('credentials', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-cred-'));
  const secretFile = path.join(dir, 'secret');
  fs.writeFileSync(secretFile, 'from-file\n');
  const config = parseConfigText(`
site: { id: s }
gateway: { id: g }
credentials:
  - { match: gate-lpr-1, username: lpr, password: p1 }
  - { match: 10.0.0.41, username: exact, password: p2 }
  - { match: 10.0.1.0/24, username: subnet, passwordFile: ${secretFile} }
  - { match: "*", username: admin, password: p4 }
`);

  it.each([
    [{ id: 'gate-lpr-1', address: '10.0.1.5' }, 'lpr', 'p1'],
    [{ id: 'x', address: '10.0.0.41' }, 'exact', 'p2'],
    [{ address: '10.0.1.77' }, 'subnet', 'from-file'],
    [{ address: '172.16.0.1' }, 'admin', 'p4'],
  ])('first match wins for %o', (camera, username, password) => {
    expect(credentialFor(config, camera)).toMatchObject({ username, password });
  });

  it.each([
    ['10.0.1.5', '10.0.1.0/24', true],
    ['10.0.2.5', '10.0.1.0/24', false],
    ['10.0.2.5', '0.0.0.0/0', true],
    ['192.0.2.9', '192.0.2.9/32', true],
  ])('inCidr(%s, %s) = %s', (address, cidr, expected) => {
    expect(inCidr(address, cidr)).toBe(expected);
  });
});
