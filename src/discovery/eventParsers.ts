import type { Element } from '@xmldom/xmldom';
import { CamgateError } from '../shared/errors.js';
import { child, children, descendant, NS, text } from './xml.js';

/**
 * PullPoint responses (ONVIF Core §9.3, WS-BaseNotification); GetEventProperties is read by
 * `deviceParsers.ts` `parseEventTopics`. Input is the response element inside the SOAP Body. A
 * message's topic comes out as `prefix:Seg/Seg/Seg` with the ONVIF topic namespace always written
 * `tns1:` (cameras bind it to any prefix) and vendor prefixes as the camera wrote them
 * (`tnshik:Vehicle`): topic matching compares segment names, not prefixes.
 */

export const WSNT = 'http://docs.oasis-open.org/wsn/b-2';
const WSA = [NS.wsa2005, NS.wsa2004] as const;

/** One PullPoint answer is cut at this many messages; the rest would be a flood, not plates. */
export const MAX_MESSAGES = 1000;

export interface PullPointSubscription {
  /** The subscription manager's address as the camera wrote it (its host may need rewriting). */
  readonly address: string;
  readonly currentTime?: number;
  readonly terminationTime?: number;
}

/** CreatePullPointSubscription → the subscription's address and its termination time. */
export function parseSubscription(resp: Element): PullPointSubscription {
  const ref = child(resp, NS.tev, 'SubscriptionReference');
  const address = ref ? text(child(ref, WSA, 'Address')) : undefined;
  if (!address)
    throw new CamgateError(
      'ONVIF_MALFORMED',
      'CreatePullPointSubscription: no SubscriptionReference Address',
    );
  return {
    address,
    currentTime: time(child(resp, WSNT, 'CurrentTime')),
    terminationTime: time(child(resp, WSNT, 'TerminationTime')),
  };
}

export interface RenewResult {
  /** The camera's clock when it answered: the granted end is on that clock, not ours. */
  readonly currentTime?: number;
  readonly terminationTime?: number;
}

/** Renew → the new termination time and the camera's current time (WS-BaseNotification §6.1.2). */
export function parseRenew(resp: Element): RenewResult {
  return {
    currentTime: time(child(resp, WSNT, 'CurrentTime')),
    terminationTime: time(child(resp, WSNT, 'TerminationTime')),
  };
}

export interface EventMessage {
  /** `tns1:RuleEngine/CellMotionDetector/Motion` (see the module comment on prefixes). */
  readonly topic: string;
  readonly utcTime?: number;
  /** `Initialized` (the state at subscription time), `Changed`, `Deleted`, or absent (a pulse event). */
  readonly operation?: string;
  readonly source: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, string>>;
}

export interface PullMessagesResult {
  readonly currentTime?: number;
  readonly terminationTime?: number;
  readonly messages: readonly EventMessage[];
  /** More NotificationMessages than MAX_MESSAGES arrived; the rest were dropped. */
  readonly truncated: boolean;
}

/** PullMessages → its messages (topic, time, operation, Source and Data simple items). */
export function parsePullMessages(resp: Element): PullMessagesResult {
  if (resp.localName !== 'PullMessagesResponse')
    throw new CamgateError('ONVIF_MALFORMED', `PullMessages: unexpected <${resp.localName}>`);
  const notes = children(resp, WSNT, 'NotificationMessage');
  const messages: EventMessage[] = [];
  for (const n of notes.slice(0, MAX_MESSAGES)) {
    const m = parseNotification(n);
    if (m) messages.push(m);
  }
  return {
    currentTime: time(child(resp, NS.tev, 'CurrentTime')),
    terminationTime: time(child(resp, NS.tev, 'TerminationTime')),
    messages,
    truncated: notes.length > MAX_MESSAGES,
  };
}

function parseNotification(n: Element): EventMessage | undefined {
  const topicEl = child(n, WSNT, 'Topic');
  const raw = text(topicEl);
  if (!topicEl || !raw) return undefined;
  const message = descendant(n, NS.tt, 'Message');
  return {
    topic: normaliseTopic(raw, (p) => topicEl.lookupNamespaceURI(p)),
    utcTime: time(message ? attr(message, 'UtcTime') : undefined),
    operation: message ? attr(message, 'PropertyOperation') : undefined,
    source: message ? items(child(message, NS.tt, 'Source')) : {},
    data: message ? items(child(message, NS.tt, 'Data')) : {},
  };
}

/**
 * A topic expression as written in a message (`tns1:RuleEngine/VehicleDetector/tnshik:Vehicle`):
 * the prefix bound to the ONVIF topic namespace becomes `tns1`, whatever the camera called it.
 */
export function normaliseTopic(raw: string, lookup: (prefix: string) => string | null): string {
  return raw
    .trim()
    .split('/')
    .map((seg) => {
      const i = seg.indexOf(':');
      if (i < 0) return seg;
      const prefix = seg.slice(0, i);
      return lookup(prefix) === NS.topics ? `tns1:${seg.slice(i + 1)}` : seg;
    })
    .join('/');
}

function items(el: Element | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!el) return out;
  for (const item of children(el, NS.tt, 'SimpleItem').slice(0, 64)) {
    const name = attr(item, 'Name');
    if (name) out[name] = (attr(item, 'Value') ?? '').slice(0, 256);
  }
  return out;
}

/** xmldom keeps the double space of `<tt:Message  UtcTime=…>` (corpus quirk) harmless; empty = absent. */
function attr(el: Element, name: string): string | undefined {
  const v = el.getAttribute(name);
  return v ? v : undefined;
}

function time(v: Element | string | undefined): number | undefined {
  const t = typeof v === 'string' ? v : text(v);
  if (!t) return undefined;
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? ms : undefined;
}
