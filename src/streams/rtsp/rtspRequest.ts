export interface RtspRequest {
  readonly method: 'OPTIONS' | 'DESCRIBE' | 'SETUP' | 'PLAY' | 'GET_PARAMETER' | 'TEARDOWN';
  /** Request URI without userinfo: credentials travel only in Authorization. */
  readonly url: string;
  readonly cseq: number;
  readonly headers?: Readonly<Record<string, string | undefined>>;
}

export const USER_AGENT = 'camgate';

/** Serialises a request; header values are checked so a URL or id from a camera cannot inject lines. */
export function buildRequest(req: RtspRequest): Buffer {
  const lines = [`${req.method} ${req.url} RTSP/1.0`, `CSeq: ${req.cseq}`, `User-Agent: ${USER_AGENT}`];
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    if (value === undefined) continue;
    if (/[\r\n]/.test(value) || /[\r\n:]/.test(name)) throw new TypeError(`unsafe RTSP header ${name}`);
    lines.push(`${name}: ${value}`);
  }
  if (/[\s]/.test(req.url)) throw new TypeError('unsafe RTSP request URI');
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

/** Splits `rtsp://user:pass@host:port/path` into a clean URL, host, port and credentials. */
export function splitRtspUrl(raw: string): {
  url: string;
  host: string;
  port: number;
  username?: string;
  password?: string;
} {
  const u = new URL(raw);
  if (u.protocol !== 'rtsp:') throw new TypeError('only rtsp:// URLs are supported');
  const username = u.username ? decodeURIComponent(u.username) : undefined;
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  u.username = '';
  u.password = '';
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return { url: u.toString(), host, port: u.port ? Number(u.port) : 554, username, password };
}
