import type { Socket } from 'node:net';
import type { Clock } from '../../shared/clock.js';
import { CamgateError } from '../../shared/errors.js';
import { parseChallenges, pickChallenge, RtspAuthenticator, type RtspCredential } from './rtspAuth.js';
import { cseqOf, type RtspMessage } from './rtspMessage.js';
import { DEFAULT_LIMITS, RtspParser, type RtspParserLimits, type RtspSink } from './rtspParser.js';
import { buildRequest, type RtspRequest } from './rtspRequest.js';

interface Pending {
  resolve(message: RtspMessage): void;
  reject(err: CamgateError): void;
  cancel(): void;
}

export interface RtspClientOptions {
  readonly clock: Clock;
  readonly credential?: RtspCredential;
  readonly limits?: RtspParserLimits;
  /** `atMs`: when the read that carried it happened (monotonic), its arrival time. */
  onInterleaved(channel: number, data: Buffer, offset: number, length: number, atMs: number): void;
  /** Called once when the connection fails or ends; `undefined` means a clean end of stream. */
  onEnd(err: CamgateError | undefined): void;
}

/**
 * Request/response over one connected socket: CSeq matching, a deadline per request, Digest/Basic
 * retry on 401, and the parser's size caps. Knows nothing of sessions or cameras.
 */
export class RtspClient implements RtspSink {
  private readonly parser: RtspParser;
  private readonly pending = new Map<number, Pending>();
  private cseq = 0;
  private auth: RtspAuthenticator | undefined;
  private ended = false;
  /** Monotonic time of the read being parsed. */
  private readAt = 0;

  constructor(
    private readonly socket: Socket,
    private readonly options: RtspClientOptions,
  ) {
    this.parser = new RtspParser(options.limits ?? DEFAULT_LIMITS);
    // With the system Net the bytes come through `receive` (the socket's onData); a fake emits 'data'.
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err) =>
      this.end(new CamgateError('RTSP_CONNECT', `socket error: ${err.message}`, { cause: err })),
    );
    socket.on('close', () => this.end(undefined));
  }

  /** Sends a request and resolves with its response; answers one Digest challenge, retries stale nonces. */
  async request(req: Omit<RtspRequest, 'cseq'>, timeoutMs: number): Promise<RtspMessage> {
    let staleRetries = 0;
    for (;;) {
      const sentWithAuth = this.auth !== undefined;
      const res = await this.send(req, timeoutMs);
      if (res.status !== 401) return res;
      const credential = this.options.credential;
      if (!credential) throw new CamgateError('RTSP_AUTH', `${req.method} needs credentials (401)`);
      const challenge = pickChallenge(
        parseChallenges(res.headers.getAll('www-authenticate')),
        credential.allowBasic,
      );
      if (!challenge)
        throw new CamgateError(
          'RTSP_AUTH',
          `${req.method}: no acceptable auth challenge (Basic not allowed?)`,
        );
      if (sentWithAuth && !(challenge.stale && staleRetries < 2)) {
        throw new CamgateError('RTSP_AUTH', `${req.method}: credentials rejected (401)`);
      }
      if (challenge.stale) staleRetries += 1;
      this.auth = new RtspAuthenticator(challenge, credential);
    }
  }

  /** Fire-and-forget request (keepalive, TEARDOWN): the reply, if any, is read and dropped. */
  sendOnly(req: Omit<RtspRequest, 'cseq'>): void {
    if (this.ended) return;
    this.socket.write(this.encode(req));
  }

  close(): void {
    this.socket.destroy();
  }

  private send(req: Omit<RtspRequest, 'cseq'>, timeoutMs: number): Promise<RtspMessage> {
    if (this.ended) return Promise.reject(new CamgateError('RTSP_CONNECT', 'connection closed'));
    const bytes = this.encode(req);
    const cseq = this.cseq;
    return new Promise((resolve, reject) => {
      const timer = this.options.clock.setTimeout(() => {
        this.pending.delete(cseq);
        reject(new CamgateError('RTSP_TIMEOUT', `${req.method} got no response within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(cseq, { resolve, reject, cancel: () => timer.cancel() });
      this.socket.write(bytes);
    });
  }

  private encode(req: Omit<RtspRequest, 'cseq'>): Buffer {
    this.cseq += 1;
    const authorization = this.auth?.header(req.method, req.url);
    return buildRequest({
      ...req,
      cseq: this.cseq,
      headers: { ...req.headers, Authorization: authorization },
    });
  }

  /** Bytes read from the socket at `atMs`; `chunk` may be a view that is reused after the call. */
  receive(chunk: Buffer, atMs = this.options.clock.monotonic()): void {
    if (this.ended) return;
    this.readAt = atMs;
    try {
      this.parser.push(chunk, this);
    } catch (err) {
      this.end(
        err instanceof CamgateError ? err : new CamgateError('RTSP_PROTOCOL', 'parse failed', { cause: err }),
      );
      this.socket.destroy();
    }
  }

  onMessage(message: RtspMessage): void {
    // Requests from the server (some send GET_PARAMETER/ANNOUNCE) are not needed for health: dropped.
    if (message.kind !== 'response') return;
    const cseq = cseqOf(message);
    const pending = cseq === undefined ? undefined : this.pending.get(cseq);
    if (!pending || cseq === undefined) return;
    this.pending.delete(cseq);
    pending.cancel();
    pending.resolve(message);
  }

  onInterleaved(channel: number, data: Buffer, offset: number, length: number): void {
    this.options.onInterleaved(channel, data, offset, length, this.readAt);
  }

  private end(err: CamgateError | undefined): void {
    if (this.ended) return;
    this.ended = true;
    const reason = err ?? new CamgateError('RTSP_CONNECT', 'connection closed by server');
    for (const p of this.pending.values()) {
      p.cancel();
      p.reject(reason);
    }
    this.pending.clear();
    this.options.onEnd(err);
  }
}
