import { describe, expect, it } from 'vitest';
import {
  macFor,
  parseCapabilities,
  parseDeviceInformation,
  parseEventTopics,
  parseNetworkInterfaces,
  parseServices,
  parseSystemDateAndTime,
} from '../../src/discovery/deviceParsers.js';
import {
  parseMediaUri,
  parseProfiles,
  parseProfiles2,
  parseVideoSources,
} from '../../src/discovery/mediaParsers.js';
import { readFault } from '../../src/discovery/soapFault.js';
import { NS, parseXml, soapBody } from '../../src/discovery/xml.js';
import { normaliseMac } from '../../src/shared/mac.js';
import { corpus } from './corpus.js';
import { response } from './corpusDevice.js';

function resp(device: string, name: RegExp) {
  const r = response(device, name);
  if (!r) throw new Error(`no capture ${name} in ${device}`);
  return r;
}

describe('GetDeviceInformation per vendor', () => {
  it.each([
    ['axis-q6045-e', /^GetDeviceInformation\.Response/, 'AXIS', 'AXIS Q6045-E'], // pretty-printed hawkeye64
    ['hikvision-ds-2cd2012-i', /^GetDeviceInformation\.Response/, 'HIKVISION', 'DS-2CD2012-I'],
    ['dvc-dcn-bm2220lpr', /^device\.GetDeviceInformation/, 'DVC', 'DCN-BM2220LPR'], // single-line gSOAP
    ['ezviz-ds-2de2c400ig-w-w', /^device\.GetDeviceInformation/, 'EZVIZ', 'DS-2DE2C400IG-W-W'], // CRLF
    ['pelco-d6230l', /^GetDeviceInformation\.Response/, 'Pelco', 'D6230L'],
    ['mixed-ex_onvif', /^get_device_information/, 'Milesight', 'MS-C8165-PE'],
  ])('%s', (device, file, manufacturer, model) => {
    const info = parseDeviceInformation(resp(device, file));
    expect(info.manufacturer?.toLowerCase()).toContain(manufacturer.toLowerCase());
    expect(info.model).toBe(model);
    expect(info.firmware).toBeTruthy();
  });
});

describe('GetProfiles / GetStreamUri / GetVideoSources', () => {
  it('Hikvision media1 profiles: main and sub with resolution', () => {
    const profiles = parseProfiles(resp('hikvision-ds-2cd2012-i', /^GetProfiles\.Response/));
    expect(profiles.length).toBeGreaterThanOrEqual(2);
    expect(profiles[0]).toMatchObject({ encoding: 'H264' });
    expect(profiles[0]?.width).toBeGreaterThan(profiles[1]?.width ?? 0);
  });
  it('DVC media2 profiles carry encoder and source bounds', () => {
    const profiles = parseProfiles2(resp('dvc-dcn-bm2220lpr', /^media2\.GetProfiles/));
    expect(profiles[0]).toMatchObject({
      token: 'profile1',
      encoding: 'H264',
      width: 1920,
      height: 1080,
      sourceWidth: 1920,
    });
  });
  it('EZVIZ CRLF media1 profiles', () => {
    expect(parseProfiles(resp('ezviz-ds-2de2c400ig-w-w', /^media\.GetProfiles/)).length).toBeGreaterThan(0);
  });
  it('12-channel encoder profiles with no Encoding/Resolution still parse (hammeraj)', () => {
    const profiles = parseProfiles(resp('mixed-hammeraj_onvif', /^get_profiles_response_with_invalid/));
    expect(profiles.length).toBe(36);
  });
  it.each([
    ['dvc-dcn-bm2220lpr', /^media\.GetStreamUri/],
    ['dvc-dcn-bm2220lpr', /^media2\.GetStreamUri/],
    ['dvc-drn-3282r', /^media2\.GetStreamUri/],
    ['ezviz-ds-2de2c400ig-w-w', /^media\.GetStreamUri/],
    ['axis-q6045-e', /^GetStreamUri\.Response/],
    ['pelco-d6230l', /^GetStreamUri\.Response/],
    ['dvc-dcn-bm2220lpr', /^media2\.GetSnapshotUri/],
    ['hikvision-ds-2df7276-ael', /^GetSnapshotUri\.Response/],
  ])('%s %s gives a URI', (device, file) => {
    expect(parseMediaUri(resp(device, file))).toMatch(/^(rtsp|http):\/\//);
  });
  it('video sources give sensor size', () => {
    expect(parseVideoSources(resp('dvc-dcn-bm2220lpr', /^media\.GetVideoSources/))[0]).toMatchObject({
      width: 1920,
      height: 1080,
      fps: 30,
    });
  });
});

describe('device service', () => {
  it('GetNetworkInterfaces: MAC of the interface on the answering address (EZVIZ eth0 + disabled wlan0)', () => {
    const nis = parseNetworkInterfaces(resp('ezviz-ds-2de2c400ig-w-w', /^device\.GetNetworkInterfaces/));
    expect(nis.length).toBe(2);
    const eth = nis.find((n) => n.enabled && n.ipv4.length > 0);
    expect(eth?.mac).toMatch(/^02:00:00:00:00:[0-9a-f]{2}$/);
    expect(macFor(nis, eth?.ipv4[0] ?? '')).toBe(eth?.mac);
  });
  it.each(['axis-q6045-e', 'hikvision-ds-2cd2012-i', 'pelco-d6230l', 'trendnet-tv-ip320pi'])(
    '%s MAC',
    (d) => {
      const nis = parseNetworkInterfaces(resp(d, /^GetNetworkInterfaces\.Response/));
      expect(macFor(nis, 'none')).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    },
  );
  it('normaliseMac', () => {
    expect(normaliseMac('00-1C-27-AA-BB-CC')).toBe('00:1c:27:aa:bb:cc');
    expect(normaliseMac('nope')).toBeUndefined();
  });
  it('GetSystemDateAndTime (DVC and Axis)', () => {
    expect(parseSystemDateAndTime(resp('dvc-dcn-bm2220lpr', /^device\.GetSystemDateAndTime\.xml/))).toBe(
      Date.UTC(2026, 8, 28, 4, 1, 37),
    );
    expect(parseSystemDateAndTime(resp('axis-q6045-e', /^GetSystemDateAndTime\.Response/))).toBeGreaterThan(
      0,
    );
  });
  it('GetServices and GetCapabilities list media/events XAddrs', () => {
    const services = parseServices(resp('dvc-dcn-bm2220lpr', /^device\.GetServices/));
    expect(services.map((s) => s.namespace)).toEqual(expect.arrayContaining([NS.trt, NS.tr2, NS.tev]));
    const caps = parseCapabilities(resp('hikvision-ds-2df7276-ael', /^GetCapabilities\.Response/));
    expect(caps.find((c) => c.namespace === NS.trt)?.xaddr).toMatch(/^http:/);
  });
  it('GetEventProperties topics (Hikvision, DVC)', () => {
    const topics = parseEventTopics(resp('dvc-dcn-bm2220lpr', /^events\.GetEventProperties/));
    expect(topics).toContain('tns1:Device/Trigger/DigitalInput');
    expect(
      parseEventTopics(resp('hikvision-ds-2df7276-ael', /^GetEventProperties\.Response/)).length,
    ).toBeGreaterThan(3);
  });
});

describe('faults', () => {
  it('DVC 401 as a gSOAP Sender fault is an auth fault', () => {
    const f = readFault(
      soapBody(parseXml(corpus('dvc-dcn-bm2220lpr/device.GetSystemDateAndTimeUnauthorizedFault.xml'))),
    );
    expect(f?.auth).toBe(true);
  });
  it('unknown action is a plain fault', () => {
    const f = readFault(soapBody(parseXml(corpus('ezviz-ds-2de2c400ig-w-w/device.UnknownActionFault.xml'))));
    expect(f).toMatchObject({ auth: false, reason: 'Optional Action Not Implemented' });
  });
  it("a camera's fault text is cut to 200 characters (it reaches logs and status)", () => {
    const long = 'x'.repeat(500_000);
    const xml = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><s:Fault><s:Code><s:Value>s:Receiver</s:Value></s:Code><s:Reason><s:Text xml:lang="en">${long}</s:Text></s:Reason></s:Fault></s:Body></s:Envelope>`;
    const f = readFault(soapBody(parseXml(xml, 1_000_000)));
    expect(f?.reason.length).toBe(201);
    expect(f?.codes).toEqual(['s:Receiver']);
  });
  it('EZVIZ HTML 401 page is rejected by the XML layer (the client decides on HTTP 401 first)', () => {
    expect(() =>
      parseXml(corpus('ezviz-ds-2de2c400ig-w-w/device.GetSystemDateAndTimeUnauthorizedFault.xml')),
    ).toThrow(expect.objectContaining({ code: 'ONVIF_MALFORMED' }));
  });
});
