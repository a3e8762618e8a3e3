import type { Element } from '@xmldom/xmldom';
import { CamgateError } from '../shared/errors.js';
import { child, descendants, NS, text } from './xml.js';

const ENV = [NS.soap12, NS.soap11] as const;
/** Subcodes meaning "who are you": ONVIF ter:NotAuthorized, WS-Security wsse:FailedAuthentication. */
const AUTH_SUBCODES = ['NotAuthorized', 'FailedAuthentication', 'InvalidSecurity', 'InvalidSecurityToken'];

export interface SoapFault {
  readonly codes: readonly string[];
  readonly reason: string;
  readonly auth: boolean;
}

/** Reads a SOAP Fault from a Body, or undefined when the Body holds a normal response. */
export function readFault(body: Element): SoapFault | undefined {
  const fault = child(body, ENV, 'Fault');
  if (!fault) return undefined;
  // SOAP 1.2: Code/Value + Subcode/Value chain; SOAP 1.1: faultcode/faultstring (unqualified).
  const codes = [...descendants(fault, ENV, 'Value'), ...descendants(fault, '*', 'faultcode')]
    .map((v) => capped(text(v) ?? ''))
    .filter(Boolean)
    .slice(0, 8);
  const reason = capped(
    text(descendants(fault, ENV, 'Text')[0]) ??
      text(descendants(fault, '*', 'faultstring')[0]) ??
      'SOAP fault',
  );
  const auth =
    codes.some((c) => AUTH_SUBCODES.includes(c.slice(c.indexOf(':') + 1))) ||
    // DVC gSOAP: a 401 as a Sender fault with only this reason: "HTTP Error: 401 Unauthorized".
    /\b401\b|unauthori[sz]ed|not authori[sz]ed/i.test(reason);
  return { codes, reason, auth };
}

/**
 * A camera's fault text goes into logs, status details and the stored problem: it is the camera's
 * words, up to the whole reply (1 MB), so only its start is kept.
 */
const MAX_FAULT_TEXT = 200;
function capped(t: string): string {
  return t.length > MAX_FAULT_TEXT ? `${t.slice(0, MAX_FAULT_TEXT)}…` : t;
}

export function faultError(fault: SoapFault, action: string): CamgateError {
  return new CamgateError(
    fault.auth ? 'ONVIF_AUTH' : 'ONVIF_FAULT',
    `${action}: ${fault.reason}${fault.codes.length ? ` (${fault.codes.join(' / ')})` : ''}`,
  );
}
