import { CamgateError } from '../../shared/errors.js';
import { RtspHeaders, type RtspMessage } from './rtspMessage.js';

export interface RtspParserLimits {
  /** Start line plus all headers, bytes. */
  readonly maxHeaderBytes: number;
  readonly maxHeaderCount: number;
  readonly maxBodyBytes: number;
}

export const DEFAULT_LIMITS: RtspParserLimits = {
  maxHeaderBytes: 16_384,
  maxHeaderCount: 64,
  maxBodyBytes: 65_536,
};

/**
 * Receives what the parser finds. `onInterleaved` gets a view into the parser's buffer, valid only
 * during the call: payloads are never copied (a monitor watches hundreds of streams).
 */
export interface RtspSink {
  onMessage(message: RtspMessage): void;
  onInterleaved(channel: number, data: Buffer, offset: number, length: number): void;
}

const DOLLAR = 0x24;
const CR = 0x0d;
const LF = 0x0a;
const HEADER_END = Buffer.from('\r\n\r\n');
const EMPTY = Buffer.alloc(0);
/** An RTP packet fits; a carry grown past CARRY_KEPT (a big frame or message) is dropped once used. */
const CARRY_INITIAL = 2048;
const CARRY_KEPT = 16_384;

/**
 * Incremental parser for an RTSP-over-TCP byte stream: responses, server requests and `$`-framed
 * interleaved RTP/RTCP (RFC 2326 10.12) in any order. Sizes are bounded (RTSP_TOO_LARGE) and
 * anything that is neither a message nor a frame is RTSP_PROTOCOL; after an error the parser is dead.
 */
export class RtspParser {
  /**
   * The unparsed tail of the last read (usually part of one RTP packet), copied into this parser's
   * own buffer: `chunk` may be the socket's shared read buffer, and a fresh Buffer per read would
   * pin pooled 8 kB slabs until the next full GC, for each of hundreds of streams (#14).
   */
  private carry: Buffer = EMPTY;
  private carried = 0;
  private failed: CamgateError | undefined;

  constructor(private readonly limits: RtspParserLimits = DEFAULT_LIMITS) {}

  push(chunk: Buffer, sink: RtspSink): void {
    if (this.failed) throw this.failed;
    let buf = chunk;
    let pos = 0;
    try {
      if (this.carried > 0) {
        pos = this.completeFrame(chunk, sink);
        if (pos === chunk.length) return;
        if (pos < 0) {
          buf = Buffer.concat([this.carry.subarray(0, this.carried), chunk]);
          this.carried = 0;
          pos = 0;
        }
      }
      while (pos < buf.length) {
        const used = this.parseOne(buf, pos, sink);
        if (used === 0) break;
        pos += used;
      }
    } catch (err) {
      this.failed =
        err instanceof CamgateError ? err : new CamgateError('RTSP_PROTOCOL', 'parse failed', { cause: err });
      throw this.failed;
    }
    if (pos < buf.length) this.append(buf, pos, buf.length);
  }

  /**
   * The usual split: the tail of the last read began an interleaved frame. Only that frame is
   * joined, not the whole new read (often many packets); returns the bytes of `chunk` used (all of
   * them when the frame is still incomplete: then it is kept carried), or -1 when the carried bytes
   * need the general path (an RTSP message, a frame header cut short).
   */
  private completeFrame(chunk: Buffer, sink: RtspSink): number {
    if (this.carried < 4 || this.carry[0] !== DOLLAR) return -1;
    const length = this.carry.readUInt16BE(2);
    const need = 4 + length - this.carried;
    if (need > chunk.length) {
      this.append(chunk, 0, chunk.length);
      return chunk.length;
    }
    this.append(chunk, 0, need);
    this.carried = 0;
    const frame = this.carry;
    // A carry grown for a rare big frame or message is not kept for the life of the session.
    if (frame.length > CARRY_KEPT) this.carry = EMPTY;
    sink.onInterleaved(frame[1] as number, frame, 4, length);
    return need;
  }

  private append(src: Buffer, from: number, to: number): void {
    const total = this.carried + (to - from);
    if (total > this.carry.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(total, CARRY_INITIAL, this.carry.length * 2));
      this.carry.copy(grown, 0, 0, this.carried);
      this.carry = grown;
    }
    src.copy(this.carry, this.carried, from, to);
    this.carried = total;
  }

  /** Bytes consumed, 0 when more input is needed. */
  private parseOne(buf: Buffer, pos: number, sink: RtspSink): number {
    const first = buf[pos] as number;
    if (first === DOLLAR) {
      if (buf.length - pos < 4) return 0;
      const length = buf.readUInt16BE(pos + 2);
      if (buf.length - pos < 4 + length) return 0;
      sink.onInterleaved(buf[pos + 1] as number, buf, pos + 4, length);
      return 4 + length;
    }
    // Some servers (GW Security, Longse) put a stray CRLF after a body or a frame.
    if (first === CR || first === LF) return 1;
    if (first < 0x41 || first > 0x5a) {
      throw new CamgateError('RTSP_PROTOCOL', `unexpected byte 0x${first.toString(16)} between messages`);
    }
    return this.parseMessage(buf, pos, sink);
  }

  private parseMessage(buf: Buffer, pos: number, sink: RtspSink): number {
    const end = buf.indexOf(HEADER_END, pos);
    const limit = this.limits.maxHeaderBytes;
    if (end < 0) {
      if (buf.length - pos > limit) throw new CamgateError('RTSP_TOO_LARGE', `headers exceed ${limit} bytes`);
      checkStartLinePrefix(buf, pos);
      return 0;
    }
    if (end - pos > limit) throw new CamgateError('RTSP_TOO_LARGE', `headers exceed ${limit} bytes`);
    const head = buf.toString('latin1', pos, end);
    const lines = head.split(/\r?\n/);
    const start = parseStartLine(lines[0] ?? '');
    const headers = new RtspHeaders();
    for (const line of lines.slice(1)) {
      if (line === '') continue;
      if (headers.size >= this.limits.maxHeaderCount) {
        throw new CamgateError('RTSP_TOO_LARGE', `more than ${this.limits.maxHeaderCount} headers`);
      }
      const colon = line.indexOf(':');
      if (colon <= 0) throw new CamgateError('RTSP_PROTOCOL', 'header line without a colon');
      headers.add(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    }
    const lengthText = headers.get('content-length');
    const bodyLength = lengthText === undefined ? 0 : Number(lengthText);
    if (!Number.isInteger(bodyLength) || bodyLength < 0)
      throw new CamgateError('RTSP_PROTOCOL', 'bad Content-Length');
    if (bodyLength > this.limits.maxBodyBytes) {
      throw new CamgateError(
        'RTSP_TOO_LARGE',
        `body of ${bodyLength} bytes exceeds ${this.limits.maxBodyBytes}`,
      );
    }
    const bodyStart = end + HEADER_END.length;
    if (buf.length - bodyStart < bodyLength) return 0;
    const body = Buffer.from(buf.subarray(bodyStart, bodyStart + bodyLength));
    sink.onMessage({ ...start, headers, body });
    return bodyStart + bodyLength - pos;
  }
}

type StartLine = Omit<RtspMessage, 'headers' | 'body'>;

function parseStartLine(line: string): StartLine {
  const response = /^RTSP\/1\.[01] (\d{3})(?: (.*))?$/.exec(line);
  if (response)
    return { kind: 'response', status: Number(response[1]), reason: response[2] ?? '', method: '', uri: '' };
  const request = /^([A-Z_]{3,20}) (\S+) RTSP\/1\.[01]$/.exec(line);
  if (request)
    return { kind: 'request', status: 0, reason: '', method: request[1] ?? '', uri: request[2] ?? '' };
  throw new CamgateError('RTSP_PROTOCOL', 'malformed start line');
}

/** Rejects garbage early, before the header limit, once the first line is visibly not RTSP. */
function checkStartLinePrefix(buf: Buffer, pos: number): void {
  const lineEnd = buf.indexOf(LF, pos);
  const stop = lineEnd < 0 ? Math.min(buf.length, pos + 32) : lineEnd;
  for (let i = pos; i < stop; i++) {
    const b = buf[i] as number;
    if (b < 0x20 && b !== CR) throw new CamgateError('RTSP_PROTOCOL', 'control byte in start line');
    if (b > 0x7e) throw new CamgateError('RTSP_PROTOCOL', 'non-ASCII byte in start line');
  }
  if (lineEnd >= 0) parseStartLine(buf.toString('latin1', pos, lineEnd).replace(/\r$/, ''));
}
