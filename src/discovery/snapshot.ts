import type { Credential } from '../config/credentials.js';
import type { Clock } from '../shared/clock.js';
import { CamgateError } from '../shared/errors.js';
import type { Net } from '../shared/net.js';
import { boundedRequest, type HttpResponse } from './boundedHttp.js';
import { digestAuthorization, parseDigestChallenge } from './httpDigest.js';

export interface SnapshotRequest {
  /** The camera's GetSnapshotUri answer, host already rewritten to the address that answered. */
  readonly url: string;
  readonly credential?: Credential;
  readonly deadlineMs: number;
  readonly maxBytes: number;
  readonly signal?: AbortSignal;
}

/**
 * One JPEG from the camera's ONVIF snapshot URI: plain GET, then HTTP Digest on a 401 challenge;
 * Basic only where the credential allows it (`allowBasic`: the password crosses the wire in clear
 * text), as for RTSP. Only http:// URIs: https would need the camera's certificate, and sending
 * it plain to port 80 would be wrong; the stream fallback covers those cameras. Bounded like every ONVIF call
 * (one deadline, size cap), and the answer must really be a JPEG: a login page or an error
 * text with status 200 is refused rather than shown as a picture.
 */
export async function fetchSnapshot(deps: { clock: Clock; net: Net }, req: SnapshotRequest): Promise<Buffer> {
  const get = (authorization?: string): Promise<HttpResponse> =>
    boundedRequest(deps, {
      url: req.url,
      method: 'GET',
      headers: authorization ? { authorization } : {},
      deadlineMs: req.deadlineMs,
      maxBytes: req.maxBytes,
      signal: req.signal,
    });
  const u = new URL(req.url);
  if (u.protocol !== 'http:')
    throw new CamgateError('ONVIF_FAULT', `snapshot: ${u.protocol} URIs are not fetched, only http:`);
  let res = await get();
  const cred = req.credential;
  if (res.status === 401 && cred) {
    const offered = res.headers['www-authenticate'];
    const challenge = parseDigestChallenge(offered);
    if (challenge) {
      res = await get(digestAuthorization(challenge, cred, 'GET', `${u.pathname}${u.search}`));
    } else if (cred.allowBasic && /\bbasic\b/i.test(String(offered ?? ''))) {
      res = await get(`Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString('base64')}`);
    }
  }
  if (res.status === 401 || res.status === 403)
    throw new CamgateError('ONVIF_AUTH', `snapshot: HTTP ${res.status}, credentials refused`);
  if (res.status !== 200) throw new CamgateError('ONVIF_FAULT', `snapshot: HTTP ${res.status}`);
  if (!isJpeg(res.raw)) {
    const type = String(res.headers['content-type'] ?? 'no content type');
    throw new CamgateError('ONVIF_MALFORMED', `snapshot: not a JPEG (${type}, ${res.raw.length} bytes)`);
  }
  return res.raw;
}

/** SOI marker and the start of a segment: FF D8 FF. */
export function isJpeg(bytes: Buffer): boolean {
  return bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}
