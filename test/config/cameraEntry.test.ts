import { describe, expect, it } from 'vitest';
import { configEntryFor, staticCameraId } from '../../src/config/cameraEntry.js';
import { parseConfigText } from '../../src/config/load.js';

/** Every entry carries a `name` so a case can say which one it expects. */
const { cameras } = parseConfigText(`
site: { id: s }
gateway: { id: g }
cameras:
  - { name: by-id, id: gate-lpr-1, class: lpr }
  - { name: by-serial, serial: DS-2CD2143G2-I20230101AAWRJ12345678, record: true }
  - { name: by-mac-dashes, mac: 00-1C-27-AA-BB-CC, monitor: { profile: main } }
  - { name: by-mac-bare, mac: 4419b6001122 }
  - { name: by-address, address: 10.0.0.40 }
  - { name: plain-rtsp, id: yard-1, rtsp: "rtsp://10.0.0.41:554/stream1" }
  - { name: plain-rtsp-no-id, rtsp: "rtsp://10.0.0.42/live" }
  - { name: second-by-address, address: 10.0.0.40, class: panoramic }
`);

const nameOf = (facts: Parameters<typeof configEntryFor>[0]) => configEntryFor(facts, cameras)?.name;

describe('configEntryFor', () => {
  it.each([
    ['id', { id: 'gate-lpr-1', address: '10.9.9.9' }, 'by-id'],
    ['serial', { id: 'cam-x', serial: 'DS-2CD2143G2-I20230101AAWRJ12345678' }, 'by-serial'],
    [
      'MAC as ONVIF reports it (colons, lower case) against 00-1C-27-… in config',
      { mac: '00:1c:27:aa:bb:cc' },
      'by-mac-dashes',
    ],
    ['MAC in upper case with colons', { mac: '00:1C:27:AA:BB:CC' }, 'by-mac-dashes'],
    ['MAC with dashes on both sides', { mac: '00-1c-27-aa-bb-cc' }, 'by-mac-dashes'],
    ['MAC written without separators in config', { mac: '44:19:b6:00:11:22' }, 'by-mac-bare'],
    ['address', { id: 'cam-y', address: '10.0.0.40' }, 'by-address'],
    ['plain RTSP camera by its id', { id: 'yard-1', address: '10.0.0.41' }, 'plain-rtsp'],
    [
      'plain RTSP camera without an id, by the id it was given',
      { id: 'rtsp-10-0-0-42-554' },
      'plain-rtsp-no-id',
    ],
    ['id beats address', { id: 'gate-lpr-1', address: '10.0.0.40' }, 'by-id'],
    [
      'serial beats MAC and address',
      { serial: 'DS-2CD2143G2-I20230101AAWRJ12345678', mac: '00:1c:27:aa:bb:cc', address: '10.0.0.40' },
      'by-serial',
    ],
    ['MAC beats address', { mac: '00:1c:27:aa:bb:cc', address: '10.0.0.40' }, 'by-mac-dashes'],
    ['the first of two entries for one address', { address: '10.0.0.40' }, 'by-address'],
  ])('matches by %s', (_rule, facts, expected) => {
    expect(nameOf(facts)).toBe(expected);
  });

  it.each([
    ['nothing known', {}],
    [
      'unknown id, serial, MAC and address',
      { id: 'cam-z', serial: 'OTHER', mac: '00:1c:27:aa:bb:cd', address: '10.0.0.99' },
    ],
    ['a malformed MAC', { mac: '00:1c:27' }],
    [
      'a serial differing in case (serials are compared as written)',
      { serial: 'ds-2cd2143g2-i20230101aawrj12345678' },
    ],
  ])('finds no entry for %s', (_what, facts) => {
    expect(nameOf(facts)).toBeUndefined();
  });

  it('sees entries of another list (the index is per list)', () => {
    const other = parseConfigText(
      'site: { id: s }\ngateway: { id: g }\ncameras: [{ name: other, mac: 00-1C-27-AA-BB-CC }]',
    ).cameras;
    expect(configEntryFor({ mac: '00:1c:27:aa:bb:cc' }, other)?.name).toBe('other');
    expect(configEntryFor({ mac: '00:1c:27:aa:bb:cc' }, cameras)?.name).toBe('by-mac-dashes');
  });
});

describe('staticCameraId', () => {
  it.each([
    [{ id: 'yard-1', rtsp: 'rtsp://10.0.0.41/stream1' }, 'yard-1'],
    [{ rtsp: 'rtsp://10.0.0.42/live' }, 'rtsp-10-0-0-42-554'],
    [{ rtsp: 'rtsps://cam.local:8322/live' }, 'rtsp-cam-local-8322'],
    [{ id: 'gate-1' }, undefined],
    [{ rtsp: 'rtsp://[bad' }, undefined],
  ])('%o → %s', (entry, id) => {
    expect(staticCameraId(entry)).toBe(id);
  });
});
