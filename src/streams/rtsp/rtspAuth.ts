import { createHash, randomBytes } from 'node:crypto';
import { CamgateError } from '../../shared/errors.js';

export interface Challenge {
  readonly scheme: 'digest' | 'basic';
  readonly realm: string;
  readonly nonce?: string;
  readonly opaque?: string;
  readonly algorithm: 'MD5' | 'SHA-256';
  readonly qopAuth: boolean;
  readonly stale: boolean;
}

export interface RtspCredential {
  readonly username: string;
  readonly password: string;
  /** Basic sends the password in cleartext; only when the operator allowed it for this camera. */
  readonly allowBasic: boolean;
}

/** Parses every WWW-Authenticate value into challenges we can answer; unknown schemes are skipped. */
export function parseChallenges(values: readonly string[]): Challenge[] {
  const out: Challenge[] = [];
  for (const value of values) {
    const m = /^\s*(\w+)\s*(.*)$/s.exec(value);
    if (!m) continue;
    const scheme = (m[1] ?? '').toLowerCase();
    const params = parseParams(m[2] ?? '');
    if (scheme !== 'digest' && scheme !== 'basic') continue;
    const algorithm = (params.get('algorithm') ?? 'MD5').toUpperCase();
    if (algorithm !== 'MD5' && algorithm !== 'SHA-256') continue;
    out.push({
      scheme,
      realm: params.get('realm') ?? '',
      nonce: params.get('nonce'),
      opaque: params.get('opaque'),
      algorithm,
      qopAuth: (params.get('qop') ?? '').split(',').some((q) => q.trim() === 'auth'),
      stale: (params.get('stale') ?? '').toLowerCase() === 'true',
    });
  }
  return out;
}

function parseParams(text: string): Map<string, string> {
  const params = new Map<string, string>();
  const re = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    params.set((m[1] ?? '').toLowerCase(), m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? ''));
  }
  return params;
}

/** Prefers SHA-256 Digest, then MD5 Digest, then Basic if allowed (RFC 7616 3.7 ordering). */
export function pickChallenge(challenges: readonly Challenge[], allowBasic: boolean): Challenge | undefined {
  const digest = challenges.filter((c) => c.scheme === 'digest' && c.nonce !== undefined);
  return (
    digest.find((c) => c.algorithm === 'SHA-256') ??
    digest[0] ??
    (allowBasic ? challenges.find((c) => c.scheme === 'basic') : undefined)
  );
}

/** Answers one challenge for successive requests; the nonce count grows per request (RFC 7616 3.4). */
export class RtspAuthenticator {
  private nc = 0;

  constructor(
    private readonly challenge: Challenge,
    private readonly credential: RtspCredential,
    private readonly cnonce: () => string = () => randomBytes(8).toString('hex'),
  ) {
    if (challenge.scheme === 'basic' && !credential.allowBasic) {
      throw new CamgateError('RTSP_AUTH', 'camera offers only Basic auth, which is not allowed for it');
    }
  }

  /** The Authorization header value for `method uri`. Never log it. */
  header(method: string, uri: string): string {
    const { username, password } = this.credential;
    const c = this.challenge;
    if (c.scheme === 'basic') return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    const h = (s: string): string =>
      createHash(c.algorithm === 'SHA-256' ? 'sha256' : 'md5')
        .update(s)
        .digest('hex');
    const ha1 = h(`${username}:${c.realm}:${password}`);
    const ha2 = h(`${method}:${uri}`);
    const parts = [`username="${username}"`, `realm="${c.realm}"`, `nonce="${c.nonce}"`, `uri="${uri}"`];
    let response: string;
    if (c.qopAuth) {
      this.nc += 1;
      const nc = this.nc.toString(16).padStart(8, '0');
      const cnonce = this.cnonce();
      response = h(`${ha1}:${c.nonce}:${nc}:${cnonce}:auth:${ha2}`);
      parts.push(`qop=auth`, `nc=${nc}`, `cnonce="${cnonce}"`);
    } else {
      // RFC 2069 form, what Longse-style servers without qop expect.
      response = h(`${ha1}:${c.nonce}:${ha2}`);
    }
    parts.push(`response="${response}"`);
    if (c.algorithm === 'SHA-256') parts.push('algorithm=SHA-256');
    if (c.opaque !== undefined) parts.push(`opaque="${c.opaque}"`);
    return `Digest ${parts.join(', ')}`;
  }
}

/** The configured credential, else the URL's userinfo (for which Basic auth is not allowed). */
export function credentialOf(
  configured: RtspCredential | undefined,
  url: { username?: string; password?: string },
): RtspCredential | undefined {
  if (configured) return configured;
  const { username, password } = url;
  return username !== undefined ? { username, password: password ?? '', allowBasic: false } : undefined;
}
