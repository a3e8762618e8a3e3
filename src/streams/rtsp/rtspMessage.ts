import { CamgateError } from '../../shared/errors.js';

/** One RTSP response or server-to-client request, headers kept in arrival order. */
export interface RtspMessage {
  readonly kind: 'response' | 'request';
  /** Response status code; 0 for requests. */
  readonly status: number;
  readonly reason: string;
  /** Request method; '' for responses. */
  readonly method: string;
  readonly uri: string;
  readonly headers: RtspHeaders;
  readonly body: Buffer;
}

/** Case-insensitive header lookup; RTSP names are case-insensitive (RFC 2326 4.2: "Cseq" from H264DVR). */
export class RtspHeaders {
  private readonly entries: Array<readonly [string, string]> = [];

  add(name: string, value: string): void {
    this.entries.push([name.toLowerCase(), value]);
  }

  get(name: string): string | undefined {
    const key = name.toLowerCase();
    for (const [k, v] of this.entries) if (k === key) return v;
    return undefined;
  }

  getAll(name: string): string[] {
    const key = name.toLowerCase();
    return this.entries.filter(([k]) => k === key).map(([, v]) => v);
  }

  get size(): number {
    return this.entries.length;
  }
}

export function cseqOf(message: RtspMessage): number | undefined {
  // Longse: "CSeq: 1 " with a trailing space.
  const raw = message.headers.get('cseq')?.trim();
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}

/**
 * A 4xx/5xx answer (401 is the client's) is the camera refusing the stream: 404 wrong path, 454
 * session not found, 503 busy / client limit (issue #12: `stream_refused`, not a dead camera).
 */
export function expectOk(res: RtspMessage): RtspMessage {
  if (res.status >= 200 && res.status < 300) return res;
  const code = res.status >= 400 && res.status < 600 ? 'RTSP_REFUSED' : 'RTSP_PROTOCOL';
  throw new CamgateError(code, `server answered ${res.status} ${res.reason}`);
}
