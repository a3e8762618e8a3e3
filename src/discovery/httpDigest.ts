import { createHash, randomBytes } from 'node:crypto';

/** HTTP Digest client (RFC 7616 MD5 / SHA-256, with or without qop=auth as RFC 2069 cameras send). */

export interface DigestChallenge {
  readonly realm: string;
  readonly nonce: string;
  readonly qop?: string;
  readonly opaque?: string;
  readonly algorithm: 'MD5' | 'SHA-256';
}

/** Picks the Digest challenge out of a WWW-Authenticate value (cameras may also offer Basic). */
export function parseDigestChallenge(header: string | string[] | undefined): DigestChallenge | undefined {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  for (const value of values) {
    const m = /Digest\s+(.*)$/is.exec(value);
    if (!m?.[1]) continue;
    const params = new Map<string, string>();
    for (const p of m[1].matchAll(/([a-zA-Z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g)) {
      if (p[1]) params.set(p[1].toLowerCase(), p[2] ?? p[3] ?? '');
    }
    const nonce = params.get('nonce');
    if (!nonce) continue;
    const algorithm = params.get('algorithm')?.toUpperCase() === 'SHA-256' ? 'SHA-256' : 'MD5';
    const qop = params
      .get('qop')
      ?.split(',')
      .map((q) => q.trim())
      .includes('auth')
      ? 'auth'
      : undefined;
    return { realm: params.get('realm') ?? '', nonce, qop, opaque: params.get('opaque'), algorithm };
  }
  return undefined;
}

export function digestAuthorization(
  c: DigestChallenge,
  creds: { username: string; password: string },
  method: string,
  uri: string,
  nc = 1,
  cnonce = randomBytes(8).toString('hex'),
): string {
  const h = (s: string): string =>
    createHash(c.algorithm === 'SHA-256' ? 'sha256' : 'md5')
      .update(s)
      .digest('hex');
  const ha1 = h(`${creds.username}:${c.realm}:${creds.password}`);
  const ha2 = h(`${method}:${uri}`);
  const ncText = nc.toString(16).padStart(8, '0');
  const response = c.qop
    ? h(`${ha1}:${c.nonce}:${ncText}:${cnonce}:${c.qop}:${ha2}`)
    : h(`${ha1}:${c.nonce}:${ha2}`);
  const parts = [
    `username="${creds.username}"`,
    `realm="${c.realm}"`,
    `nonce="${c.nonce}"`,
    `uri="${uri}"`,
    `response="${response}"`,
    `algorithm=${c.algorithm}`,
  ];
  if (c.qop) parts.push(`qop=${c.qop}`, `nc=${ncText}`, `cnonce="${cnonce}"`);
  if (c.opaque !== undefined) parts.push(`opaque="${c.opaque}"`);
  return `Digest ${parts.join(', ')}`;
}
