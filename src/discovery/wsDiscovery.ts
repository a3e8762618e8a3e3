import type { Element } from '@xmldom/xmldom';
import { CamgateError } from '../shared/errors.js';
import { child, children, descendant, escapeXml, NS, parseXml, soapBody, text } from './xml.js';

/**
 * WS-Discovery (2005/04, the version ONVIF Core §7 mandates) as pure functions: bytes in,
 * typed values out. Elements are matched by namespace URI, never by prefix: the corpus shows
 * `SOAP-ENV:`/`wsdd:` (DVC gSOAP), `env:`/`d:`/`wsadis:` (EZVIZ), `s:`/`wsd:` (DVC NVR).
 */

export const WSD_PORT = 3702;
export const WSD_MULTICAST = '239.255.255.250';
/** A ProbeMatch carrying a few XAddrs and scopes is < 4 KB; anything near 64 KB is not a camera. */
export const MAX_DATAGRAM_BYTES = 32 * 1024;

const ACTION = {
  probe: `${NS.wsd}/Probe`,
  probeMatches: `${NS.wsd}/ProbeMatches`,
  hello: `${NS.wsd}/Hello`,
  bye: `${NS.wsd}/Bye`,
} as const;

const WSA = [NS.wsa2004, NS.wsa2005] as const;

export interface QName {
  readonly ns: string;
  readonly local: string;
}

/** The three probes ONVIF clients send: some devices answer only one of them. */
export const PROBE_TYPES: readonly (QName | undefined)[] = [
  { ns: NS.tds, local: 'Device' },
  { ns: NS.dn, local: 'NetworkVideoTransmitter' },
  undefined,
];

export interface DiscoveryMatch {
  readonly endpointRef: string;
  readonly types: readonly QName[];
  readonly scopes: readonly string[];
  readonly xaddrs: readonly string[];
  readonly metadataVersion?: number;
}

export interface DiscoveryMessage {
  readonly kind: 'probeMatches' | 'hello' | 'bye';
  readonly messageId?: string;
  readonly relatesTo?: string;
  readonly matches: readonly DiscoveryMatch[];
}

export function buildProbe(messageId: string, type?: QName): string {
  const types = type ? `<d:Types xmlns:t="${type.ns}">t:${type.local}</d:Types>` : '';
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<s:Envelope xmlns:s="${NS.soap12}" xmlns:a="${NS.wsa2004}" xmlns:d="${NS.wsd}">` +
    `<s:Header><a:Action s:mustUnderstand="1">${ACTION.probe}</a:Action>` +
    `<a:MessageID>${escapeXml(messageId)}</a:MessageID>` +
    `<a:ReplyTo><a:Address>${NS.wsa2004}/role/anonymous</a:Address></a:ReplyTo>` +
    '<a:To s:mustUnderstand="1">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To></s:Header>' +
    `<s:Body><d:Probe>${types}</d:Probe></s:Body></s:Envelope>`
  );
}

/** Parses one datagram; throws ONVIF_MALFORMED / ONVIF_TOO_LARGE; returns undefined for other actions (e.g. Probe). */
export function parseDiscoveryMessage(datagram: Buffer | string): DiscoveryMessage | undefined {
  const size = typeof datagram === 'string' ? Buffer.byteLength(datagram) : datagram.length;
  if (size > MAX_DATAGRAM_BYTES) {
    throw new CamgateError('ONVIF_TOO_LARGE', `datagram of ${size} bytes exceeds ${MAX_DATAGRAM_BYTES}`);
  }
  const root = parseXml(typeof datagram === 'string' ? datagram : datagram.toString('utf8'));
  const body = soapBody(root);
  const header = child(root, [NS.soap12, NS.soap11], 'Header');
  const messageId = header ? text(child(header, WSA, 'MessageID')) : undefined;
  const relatesTo = header ? text(child(header, WSA, 'RelatesTo')) : undefined;
  const probeMatches = child(body, NS.wsd, 'ProbeMatches');
  if (probeMatches) {
    const matches = children(probeMatches, NS.wsd, 'ProbeMatch').flatMap(parseMatch);
    return { kind: 'probeMatches', messageId, relatesTo, matches };
  }
  const hello = child(body, NS.wsd, 'Hello');
  if (hello) return { kind: 'hello', messageId, relatesTo, matches: parseMatch(hello) };
  const bye = child(body, NS.wsd, 'Bye');
  if (bye) return { kind: 'bye', messageId, relatesTo, matches: parseMatch(bye) };
  return undefined;
}

function parseMatch(el: Element): DiscoveryMatch[] {
  const endpointRef = text(descendant(el, WSA, 'Address'));
  if (!endpointRef) return [];
  const typesEl = child(el, NS.wsd, 'Types');
  const metadata = Number(text(child(el, NS.wsd, 'MetadataVersion')));
  return [
    {
      endpointRef,
      types: typesEl ? resolveQNames(typesEl) : [],
      scopes: splitList(text(child(el, NS.wsd, 'Scopes'))),
      // EZVIZ: "http://192.0.2.13/onvif/device_service https://192.0.2.13/onvif/device_service " (trailing space)
      xaddrs: splitList(text(child(el, NS.wsd, 'XAddrs'))),
      metadataVersion: Number.isFinite(metadata) ? metadata : undefined,
    },
  ];
}

function splitList(value: string | undefined): string[] {
  return value ? value.split(/\s+/).filter(Boolean) : [];
}

/** `tdn:NetworkVideoTransmitter` → its namespace URI as declared in scope of the element. */
function resolveQNames(el: Element): QName[] {
  return splitList(text(el)).map((q) => {
    const colon = q.indexOf(':');
    const prefix = colon > 0 ? q.slice(0, colon) : null;
    return { ns: el.lookupNamespaceURI(prefix) ?? '', local: colon > 0 ? q.slice(colon + 1) : q };
  });
}

export function isOnvifDevice(match: DiscoveryMatch): boolean {
  return match.types.some(
    (t) =>
      (t.ns === NS.dn && t.local === 'NetworkVideoTransmitter') || (t.ns === NS.tds && t.local === 'Device'),
  );
}

export interface ChosenXAddr {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly matchesSource: boolean;
}

/**
 * The device service address to use: cameras list IPv6 link-local and https variants too
 * (DVC: "http://192.0.2.14:80/onvif/device_service http://[fe80::7]:80/onvif/device_service").
 * Prefer plain http on the address the datagram came from, then any http IPv4.
 */
export function chooseXAddr(xaddrs: readonly string[], source: string): ChosenXAddr | undefined {
  const parsed = xaddrs.flatMap((x) => {
    try {
      const u = new URL(x);
      if (u.protocol !== 'http:' || !/^\d{1,3}(\.\d{1,3}){3}$/.test(u.hostname)) return [];
      return [
        {
          url: u.toString(),
          host: u.hostname,
          port: Number(u.port || 80),
          matchesSource: u.hostname === source,
        },
      ];
    } catch {
      // Not a URL at all (agsh mock template "SERVICE_URI"); skip it, others may be usable.
      return [];
    }
  });
  return parsed.find((p) => p.matchesSource) ?? parsed[0];
}

/** `onvif://www.onvif.org/hardware/DCN-BM2220LPR` → `DCN-BM2220LPR`. */
export function scopeValue(scopes: readonly string[], kind: string): string | undefined {
  const prefix = `onvif://www.onvif.org/${kind}/`;
  const hit = scopes.find((s) => s.toLowerCase().startsWith(prefix.toLowerCase()));
  return hit ? decodeURIComponent(hit.slice(prefix.length)) || undefined : undefined;
}

/**
 * SOAP-over-UDP (2004) Appendix I retransmission: send, then repeat MULTICAST_UDP_REPEAT (2)
 * times after a delay drawn from [UDP_MIN_DELAY 50, UDP_MAX_DELAY 250] ms, doubling each time
 * up to UDP_UPPER_DELAY 500 ms. Returns send offsets in ms from the first transmission.
 */
export function retransmitSchedule(random: () => number = Math.random): number[] {
  const out = [0];
  let delay = 50 + random() * 200;
  let at = 0;
  for (let i = 0; i < 2; i++) {
    at += delay;
    out.push(Math.round(at));
    delay = Math.min(delay * 2, 500);
  }
  return out;
}
