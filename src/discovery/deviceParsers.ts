import type { Element } from '@xmldom/xmldom';
import { normaliseMac } from '../shared/mac.js';
import type { DeviceInformation, NetworkInterfaceInfo } from './onvifTypes.js';
import { child, children, descendant, descendants, elementChildren, NS, num, path, text } from './xml.js';

/**
 * Device-service responses (ONVIF Core). Input is the response element inside the SOAP Body;
 * lookups go by namespace URI (tds for the response, tt for schema types).
 */

/** GetSystemDateAndTime → the camera's UTC clock in ms, or undefined when it did not say. */
export function parseSystemDateAndTime(resp: Element): number | undefined {
  const utc = descendant(resp, NS.tt, 'UTCDateTime');
  if (!utc) return undefined;
  const date = child(utc, NS.tt, 'Date');
  const time = child(utc, NS.tt, 'Time');
  const parts = [
    num(path(date, NS.tt, 'Year')),
    num(path(date, NS.tt, 'Month')),
    num(path(date, NS.tt, 'Day')),
    num(path(time, NS.tt, 'Hour')),
    num(path(time, NS.tt, 'Minute')),
    num(path(time, NS.tt, 'Second')),
  ];
  if (parts.some((p) => p === undefined)) return undefined;
  const [y, mo, d, h, mi, s] = parts as number[];
  const ms = Date.UTC(y as number, (mo as number) - 1, d, h, mi, s);
  return Number.isFinite(ms) ? ms : undefined;
}

export function parseDeviceInformation(resp: Element): DeviceInformation {
  const field = (name: string): string | undefined => text(child(resp, NS.tds, name));
  return {
    manufacturer: field('Manufacturer'),
    model: field('Model'),
    firmware: field('FirmwareVersion'),
    serial: field('SerialNumber'),
    hardwareId: field('HardwareId'),
  };
}

export function parseNetworkInterfaces(resp: Element): NetworkInterfaceInfo[] {
  return children(resp, NS.tds, 'NetworkInterfaces').map((ni) => {
    const info = child(ni, NS.tt, 'Info');
    const ipv4 = child(ni, NS.tt, 'IPv4');
    const addresses = ipv4
      ? [...descendants(ipv4, NS.tt, 'Address'), ...descendants(ipv4, NS.tt, 'IPv4Address')]
          .map((a) => text(a))
          .filter((a): a is string => a !== undefined)
      : [];
    return {
      name: text(path(info, NS.tt, 'Name')) ?? ni.getAttribute('token') ?? undefined,
      enabled: text(child(ni, NS.tt, 'Enabled')) !== 'false',
      mac: normaliseMac(text(path(info, NS.tt, 'HwAddress'))),
      ipv4: [...new Set(addresses)],
    };
  });
}

/** The MAC of the interface carrying `address`, else of the first enabled interface. */
export function macFor(interfaces: readonly NetworkInterfaceInfo[], address: string): string | undefined {
  const withMac = interfaces.filter((i) => i.mac);
  return (
    withMac.find((i) => i.ipv4.includes(address))?.mac ??
    withMac.find((i) => i.enabled)?.mac ??
    withMac[0]?.mac
  );
}

export interface ServiceEntry {
  readonly namespace: string;
  readonly xaddr: string;
}

/** GetServices → (namespace, XAddr) pairs. */
export function parseServices(resp: Element): ServiceEntry[] {
  return children(resp, NS.tds, 'Service').flatMap((s) => {
    const namespace = text(child(s, NS.tds, 'Namespace'));
    const xaddr = text(child(s, NS.tds, 'XAddr'));
    return namespace && xaddr ? [{ namespace, xaddr }] : [];
  });
}

/** GetCapabilities → service XAddrs by category (Media, Events, PTZ, Analytics, Device). */
export function parseCapabilities(resp: Element): ServiceEntry[] {
  const caps = child(resp, NS.tds, 'Capabilities');
  if (!caps) return [];
  const map: Record<string, string> = {
    Device: NS.tds,
    Media: NS.trt,
    Events: NS.tev,
    PTZ: 'http://www.onvif.org/ver20/ptz/wsdl',
    Analytics: 'http://www.onvif.org/ver20/analytics/wsdl',
  };
  return Object.entries(map).flatMap(([name, namespace]) => {
    const xaddr = text(path(caps, NS.tt, name, 'XAddr'));
    return xaddr ? [{ namespace, xaddr }] : [];
  });
}

/**
 * GetEventProperties → every topic path in the TopicSet, as `tns1:RuleEngine/Recognition/LicensePlate`.
 * The root element's namespace picks the prefix: ONVIF topics become `tns1:`, vendor trees keep
 * their namespace URI (`{uri}Name/...`) so classification can match either.
 */
export function parseEventTopics(resp: Element, maxTopics = 2000): string[] {
  const set = child(resp, NS.wstop, 'TopicSet');
  if (!set) return [];
  const out: string[] = [];
  const walk = (el: Element, prefix: string): void => {
    for (const c of elementChildren(el)) {
      if (out.length >= maxTopics) return;
      if (c.namespaceURI === NS.tt) continue; // MessageDescription and friends
      const name = prefix ? `${prefix}/${c.localName}` : rootName(c);
      if (c.getAttributeNS(NS.wstop, 'topic') === 'true') out.push(name);
      walk(c, name);
    }
  };
  walk(set, '');
  return [...new Set(out)];
}

function rootName(el: Element): string {
  const ns = el.namespaceURI ?? '';
  if (ns === NS.topics) return `tns1:${el.localName}`;
  return ns ? `{${ns}}${el.localName}` : (el.localName ?? '');
}
