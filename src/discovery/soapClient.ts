import type { Element } from '@xmldom/xmldom';
import type { Credential } from '../config/credentials.js';
import type { Clock } from '../shared/clock.js';
import { CamgateError } from '../shared/errors.js';
import type { Net } from '../shared/net.js';
import { boundedRequest, type HttpResponse } from './boundedHttp.js';
import { type DigestChallenge, digestAuthorization, parseDigestChallenge } from './httpDigest.js';
import { faultError, readFault } from './soapFault.js';
import { usernameTokenHeader } from './wsSecurity.js';
import { elementChildren, NS, parseXml, soapBody } from './xml.js';

export interface SoapClientOptions {
  readonly credential?: Credential;
  readonly deadlineMs: number;
  readonly maxBytes: number;
  readonly signal?: AbortSignal;
  /** Camera clock minus ours, for WS-Security Created; updated by `resync`. */
  clockOffsetMs?: number;
  /** Re-reads the camera clock (unauthenticated GetSystemDateAndTime) after a rejected token. */
  readonly resync?: () => Promise<number | undefined>;
}

type AuthMode = 'none' | 'digest' | 'wsse';

/**
 * A small SOAP 1.2 client for one camera. Auth order: what worked last time; otherwise no auth,
 * then HTTP Digest on a 401 challenge, then WS-Security UsernameToken (camera-clock Created) on
 * a 401 without challenge or a NotAuthorized fault, re-syncing the clock once if the token is
 * refused. Every exchange goes through `boundedRequest` (deadline, size cap) and `parseXml` (no DTD).
 */
export class SoapClient {
  private mode: AuthMode = 'none';
  private challenge: DigestChallenge | undefined;
  private nc = 0;

  constructor(
    private readonly deps: { clock: Clock; net: Net },
    private readonly options: SoapClientOptions,
  ) {}

  get authMode(): AuthMode {
    return this.mode;
  }

  /** Camera clock minus ours, for the WS-Security Created timestamp. */
  setClockOffset(ms: number | undefined): void {
    this.options.clockOffsetMs = ms;
  }

  /** Sends `bodyXml` (one element with its own xmlns) and returns the response element inside Body. */
  async call(
    url: string,
    action: string,
    bodyXml: string,
    opts: { anonymous?: boolean; noResync?: boolean; signal?: AbortSignal } = {},
  ): Promise<Element> {
    const signal = combined(this.options.signal, opts.signal);
    const send = (mode: AuthMode): Promise<HttpResponse> => this.send(url, bodyXml, mode, signal);
    if (opts.anonymous) return this.parse(await send('none'), action);
    const cred = this.options.credential;
    let res = await send(this.mode);
    if (!cred || !isAuthFailure(res)) return this.parse(res, action);
    const challenge = parseDigestChallenge(res.headers['www-authenticate']);
    if (challenge && this.mode !== 'wsse') {
      this.challenge = challenge;
      this.nc = 0;
      res = await send('digest');
      if (!isAuthFailure(res)) {
        this.mode = 'digest';
        return this.parse(res, action);
      }
    }
    res = await send('wsse');
    if (isAuthFailure(res) && this.options.resync && !opts.noResync) {
      // Only a newly read clock is worth another attempt (each refused one counts towards the
      // camera's lock-out); a failed re-read leaves the original refusal as the answer.
      const offset = await this.options.resync().catch(() => undefined);
      if (offset !== undefined && offset !== this.options.clockOffsetMs) {
        this.options.clockOffsetMs = offset;
        res = await send('wsse');
      }
    }
    if (!isAuthFailure(res)) this.mode = 'wsse';
    return this.parse(res, action);
  }

  private async send(
    url: string,
    bodyXml: string,
    mode: AuthMode,
    signal: AbortSignal | undefined,
  ): Promise<HttpResponse> {
    const cred = this.options.credential;
    const headers: Record<string, string> = { 'content-type': 'application/soap+xml; charset=utf-8' };
    let header = '';
    if (mode === 'digest' && cred && this.challenge) {
      this.nc += 1;
      headers.authorization = digestAuthorization(
        this.challenge,
        cred,
        'POST',
        new URL(url).pathname,
        this.nc,
      );
    }
    if (mode === 'wsse' && cred) {
      header = `<s:Header>${usernameTokenHeader(cred, this.deps.clock.now() + (this.options.clockOffsetMs ?? 0))}</s:Header>`;
    }
    const envelope = `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${NS.soap12}">${header}<s:Body>${bodyXml}</s:Body></s:Envelope>`;
    return boundedRequest(this.deps, {
      url,
      headers,
      body: envelope,
      deadlineMs: this.options.deadlineMs,
      maxBytes: this.options.maxBytes,
      signal,
    });
  }

  private parse(res: HttpResponse, action: string): Element {
    // EZVIZ answers an unauthenticated call with an HTML page (HTTP 401, text/html,
    // "<title>Document Error: Unauthorized</title>"): decide on the status before parsing.
    if (res.status === 401 || res.status === 403) {
      throw new CamgateError('ONVIF_AUTH', `${action}: HTTP ${res.status}, credentials refused`);
    }
    const body = soapBody(parseXml(res.body, this.options.maxBytes));
    const fault = readFault(body);
    if (fault) throw faultError(fault, action);
    if (res.status !== 200) throw new CamgateError('ONVIF_FAULT', `${action}: HTTP ${res.status}`);
    const response = elementChildren(body)[0];
    if (!response) throw new CamgateError('ONVIF_MALFORMED', `${action}: empty SOAP Body`);
    return response;
  }
}

/** The client's lifetime signal and one call's, either aborting the exchange. */
function combined(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  return a && b ? AbortSignal.any([a, b]) : (a ?? b);
}

/** 401/403, or a NotAuthorized SOAP fault (ONVIF Core §5.9.2.2 lets cameras answer 400/500 with one). */
function isAuthFailure(res: HttpResponse): boolean {
  if (res.status === 401 || res.status === 403) return true;
  if (res.status === 200 || !res.body.includes('Fault')) return false;
  try {
    return readFault(soapBody(parseXml(res.body)))?.auth === true;
  } catch {
    // Not a parseable fault, so not an auth refusal: parse() then reports it as malformed.
    return false;
  }
}
