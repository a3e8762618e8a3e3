import { describe, expect, it } from 'vitest';
import {
  buildProbe,
  chooseXAddr,
  isOnvifDevice,
  MAX_DATAGRAM_BYTES,
  PROBE_TYPES,
  parseDiscoveryMessage,
  retransmitSchedule,
  scopeValue,
} from '../../src/discovery/wsDiscovery.js';
import { NS } from '../../src/discovery/xml.js';
import { corpus } from './corpus.js';

describe('parseDiscoveryMessage on vendor ProbeMatches', () => {
  it.each([
    ['dvc-dcn-bm2220lpr/discovery.ProbeMatches.xml', 'DCN-BM2220LPR'],
    ['dvc-dcn-bf5365/discovery.ProbeMatches.xml', 'DCN-BF5365'],
    ['dvc-dcn-bf5365/at-dc3d3b1f/discovery.ProbeMatches.xml', 'DCN-BF5365'],
    ['dvc-drn-3282r/discovery.ProbeMatches.xml', 'DRN-3282R'],
    ['dvc-drn-3282r/at-dc3d3b1f/discovery.ProbeMatches.xml', 'DRN-3282R'],
    ['ezviz-ds-2de2c400ig-w-w/discovery.ProbeMatches.xml', 'DS-2DE2C400IG-W-W'],
    ['ezviz-ds-2de2c400ig-w-w/discovery.ProbeMatchesDevice.xml', 'DS-2DE2C400IG-W-W'],
  ])('%s', (file, hardware) => {
    const msg = parseDiscoveryMessage(corpus(file));
    expect(msg?.kind).toBe('probeMatches');
    expect(msg?.relatesTo).toMatch(/^urn:uuid:/);
    const m = msg?.matches[0];
    expect(m?.endpointRef).toMatch(/^urn:uuid:/);
    expect(m && isOnvifDevice(m)).toBe(true);
    expect(scopeValue(m?.scopes ?? [], 'hardware')).toBe(hardware);
    expect(m?.xaddrs.length).toBeGreaterThan(0);
  });

  it('resolves Types by namespace URI whatever the prefix (tdn: vs dn:)', () => {
    const dvc = parseDiscoveryMessage(corpus('dvc-dcn-bm2220lpr/discovery.ProbeMatches.xml'));
    expect(dvc?.matches[0]?.types).toContainEqual({ ns: NS.dn, local: 'NetworkVideoTransmitter' });
    expect(dvc?.matches[0]?.types).toContainEqual({ ns: NS.tds, local: 'Device' });
  });

  it('EZVIZ uses 2004/08 addressing under the `wsadis` prefix; RelatesTo still found', () => {
    const msg = parseDiscoveryMessage(corpus('ezviz-ds-2de2c400ig-w-w/discovery.ProbeMatches.xml'));
    expect(msg?.relatesTo).toBe('urn:uuid:00000000-0000-4000-8000-000000000013');
    expect(msg?.matches[0]?.xaddrs).toEqual([
      'http://192.0.2.13/onvif/device_service',
      'https://192.0.2.13/onvif/device_service',
    ]);
  });

  it('two units share one EndpointReference but differ in XAddrs (key by EPR + address)', () => {
    const a = parseDiscoveryMessage(corpus('dvc-dcn-bm2220lpr/discovery.ProbeMatchesSharedEndpoint1.xml'));
    const b = parseDiscoveryMessage(corpus('dvc-dcn-bm2220lpr/discovery.ProbeMatchesSharedEndpoint2.xml'));
    expect(a?.matches[0]?.endpointRef).toBe(b?.matches[0]?.endpointRef);
    const ha = chooseXAddr(a?.matches[0]?.xaddrs ?? [], '192.0.2.10');
    const hb = chooseXAddr(b?.matches[0]?.xaddrs ?? [], '192.0.2.14');
    expect(ha?.host).toBe('192.0.2.10');
    expect(hb?.host).toBe('192.0.2.14');
    expect(ha?.matchesSource && hb?.matchesSource).toBe(true);
  });
});

describe('chooseXAddr', () => {
  it('prefers the XAddr on the UDP source over link-local IPv6 and https', () => {
    const x = chooseXAddr(
      [
        'http://[fe80::7]:80/onvif/device_service',
        'https://10.1.1.1/x',
        'http://10.1.1.1:8080/onvif/device_service',
      ],
      '10.1.1.1',
    );
    expect(x).toEqual({
      url: 'http://10.1.1.1:8080/onvif/device_service',
      host: '10.1.1.1',
      port: 8080,
      matchesSource: true,
    });
  });
  it('reports when no XAddr is on the source (possible spoof)', () => {
    expect(chooseXAddr(['http://10.9.9.9/onvif/device_service'], '10.1.1.1')?.matchesSource).toBe(false);
    expect(chooseXAddr(['SERVICE_URI'], '10.1.1.1')).toBeUndefined();
  });
});

describe('hostile datagrams', () => {
  it('rejects a DOCTYPE with entities (billion laughs)', () => {
    const evil = `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><s:Envelope xmlns:s="${NS.soap12}"><s:Body>&b;</s:Body></s:Envelope>`;
    expect(() => parseDiscoveryMessage(evil)).toThrow(expect.objectContaining({ code: 'ONVIF_MALFORMED' }));
  });
  it('rejects oversized datagrams', () => {
    expect(() => parseDiscoveryMessage(Buffer.alloc(MAX_DATAGRAM_BYTES + 1, 32))).toThrow(
      expect.objectContaining({ code: 'ONVIF_TOO_LARGE' }),
    );
  });
  it('rejects garbage', () => {
    expect(() => parseDiscoveryMessage('<<<not xml')).toThrow(
      expect.objectContaining({ code: 'ONVIF_MALFORMED' }),
    );
    expect(() => parseDiscoveryMessage('<a/>')).toThrow(expect.objectContaining({ code: 'ONVIF_MALFORMED' }));
  });
});

describe('buildProbe', () => {
  it('round-trips: our own probe parses and carries the typed QName', () => {
    for (const type of PROBE_TYPES) {
      const xml = buildProbe('urn:uuid:1234', type);
      expect(xml).toContain('urn:uuid:1234');
      expect(parseDiscoveryMessage(xml)).toBeUndefined();
      if (type) expect(xml).toContain(`xmlns:t="${type.ns}"`);
    }
  });
  it('retransmits twice within UDP_UPPER_DELAY bounds', () => {
    expect(retransmitSchedule(() => 0)).toEqual([0, 50, 150]);
    expect(retransmitSchedule(() => 1)).toEqual([0, 250, 750]);
  });
});
