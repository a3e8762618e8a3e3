import { createRequire } from 'node:module';
import type { Element, DOMParser as XmlDomParser } from '@xmldom/xmldom';
import { CamgateError } from '../shared/errors.js';

/**
 * @xmldom/xmldom (CommonJS, ~410 KB of source with its entity table, ~0.8 MB of heap) is loaded at
 * the first XML parsed: a daemon whose cameras are all plain RTSP, or that no camera answered yet,
 * never parses XML (session 8, idle memory). A synchronous require keeps `parseXml` synchronous.
 */
let domParser: typeof XmlDomParser | undefined;
function loadDomParser(): typeof XmlDomParser {
  domParser ??= (createRequire(import.meta.url)('@xmldom/xmldom') as typeof import('@xmldom/xmldom'))
    .DOMParser;
  return domParser;
}

/** Namespace URIs we match on; prefixes differ per vendor (SOAP-ENV:, env:, s:) and never matter. */
export const NS = {
  soap12: 'http://www.w3.org/2003/05/soap-envelope',
  soap11: 'http://schemas.xmlsoap.org/soap/envelope/',
  // WS-Discovery 2005/04 (what ONVIF uses) and the addressing versions cameras mix:
  // EZVIZ binds `wsadis` to 2004/08 while declaring `wsa` as 2005/08.
  wsd: 'http://schemas.xmlsoap.org/ws/2005/04/discovery',
  wsa2004: 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
  wsa2005: 'http://www.w3.org/2005/08/addressing',
  tds: 'http://www.onvif.org/ver10/device/wsdl',
  dn: 'http://www.onvif.org/ver10/network/wsdl',
  trt: 'http://www.onvif.org/ver10/media/wsdl',
  tr2: 'http://www.onvif.org/ver20/media/wsdl',
  tev: 'http://www.onvif.org/ver10/events/wsdl',
  tse: 'http://www.onvif.org/ver10/search/wsdl',
  tt: 'http://www.onvif.org/ver10/schema',
  ter: 'http://www.onvif.org/ver10/error',
  wstop: 'http://docs.oasis-open.org/wsn/t-1',
  topics: 'http://www.onvif.org/ver10/topics',
} as const;

export const ANY_NS = '*';

/** DOCTYPE and entity declarations are never legitimate in SOAP (SOAP 1.2 part 1 §5) and are how billion-laughs arrives. */
const DTD = /<!DOCTYPE|<!ENTITY/i;

/**
 * Parses untrusted XML from a camera or the network. Rejects DTDs before the parser sees them,
 * caps size, and turns every parser complaint into ONVIF_MALFORMED.
 */
export function parseXml(text: string, maxChars = 2_000_000): Element {
  if (text.length > maxChars)
    throw new CamgateError('ONVIF_TOO_LARGE', `XML of ${text.length} chars exceeds ${maxChars}`);
  if (DTD.test(text))
    throw new CamgateError('ONVIF_MALFORMED', 'XML with a DOCTYPE or entity declaration rejected');
  // Some firmware (DVC NVR) emits whitespace before the XML declaration; the parser rejects that.
  const trimmed = text.replace(/^[\s\uFEFF]+/, '');
  // Outside the try: a broken install is not the camera's malformed XML.
  const DOMParser = loadDomParser();
  let root: Element | null = null;
  try {
    const doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message);
      },
    }).parseFromString(trimmed, 'text/xml');
    root = doc.documentElement;
  } catch (err) {
    throw new CamgateError('ONVIF_MALFORMED', `malformed XML: ${firstLine(err)}`, { cause: err });
  }
  if (!root) throw new CamgateError('ONVIF_MALFORMED', 'XML without a root element');
  return root;
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return (message.split('\n')[0] ?? '').slice(0, 200);
}

function matches(el: Element, ns: string | readonly string[], local: string): boolean {
  if (el.localName !== local) return false;
  if (ns === ANY_NS) return true;
  return typeof ns === 'string' ? el.namespaceURI === ns : ns.includes(el.namespaceURI ?? '');
}

/** Direct element children with the given namespace (or one of several) and local name. */
export function children(el: Element, ns: string | readonly string[], local: string): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && matches(n as Element, ns, local)) out.push(n as Element);
  }
  return out;
}

export function child(el: Element, ns: string | readonly string[], local: string): Element | undefined {
  return children(el, ns, local)[0];
}

/** All element children regardless of name. */
export function elementChildren(el: Element): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) out.push(n as Element);
  return out;
}

/** Depth-first descendants by namespace and local name (bounded by the document size cap). */
export function descendants(el: Element, ns: string | readonly string[], local: string): Element[] {
  const out: Element[] = [];
  const walk = (e: Element): void => {
    for (const c of elementChildren(e)) {
      if (matches(c, ns, local)) out.push(c);
      walk(c);
    }
  };
  walk(el);
  return out;
}

export function descendant(el: Element, ns: string | readonly string[], local: string): Element | undefined {
  return descendants(el, ns, local)[0];
}

export function text(el: Element | undefined): string | undefined {
  const t = el?.textContent?.trim();
  return t ? t : undefined;
}

/** Follows a path of local names in one namespace set: `path(el, NS.tt, 'Resolution', 'Width')`. */
export function path(
  el: Element | undefined,
  ns: string | readonly string[],
  ...names: string[]
): Element | undefined {
  let cur = el;
  for (const name of names) {
    if (!cur) return undefined;
    cur = child(cur, ns, name);
  }
  return cur;
}

export function num(el: Element | undefined): number | undefined {
  const t = text(el);
  if (t === undefined) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** SOAP 1.2 (and, for old firmware, 1.1) Body of an envelope. */
export function soapBody(root: Element): Element {
  const env = [NS.soap12, NS.soap11];
  if (!matches(root, env, 'Envelope'))
    throw new CamgateError('ONVIF_MALFORMED', `not a SOAP envelope: <${root.tagName}>`);
  const body = child(root, env, 'Body');
  if (!body) throw new CamgateError('ONVIF_MALFORMED', 'SOAP envelope without a Body');
  return body;
}

export function escapeXml(value: string): string {
  return value.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
