import { describe, expect, it } from 'vitest';
import { CamgateError } from '../../../src/shared/errors.js';
import type { RtspMessage } from '../../../src/streams/rtsp/rtspMessage.js';
import { RtspParser } from '../../../src/streams/rtsp/rtspParser.js';
import { buildRequest, splitRtspUrl } from '../../../src/streams/rtsp/rtspRequest.js';

interface Item {
  type: 'msg' | 'rtp';
  status?: number;
  channel?: number;
  payload?: string;
}

function collect(parser: RtspParser, chunks: Buffer[]): Item[] {
  const out: Item[] = [];
  const sink = {
    onMessage: (m: RtspMessage) => out.push({ type: 'msg', status: m.status }),
    onInterleaved: (channel: number, data: Buffer, offset: number, length: number) =>
      out.push({ type: 'rtp', channel, payload: data.toString('hex', offset, offset + length) }),
  };
  for (const c of chunks) parser.push(c, sink);
  return out;
}

function frame(channel: number, payload: number[]): Buffer {
  return Buffer.from([0x24, channel, payload.length >> 8, payload.length & 0xff, ...payload]);
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof CamgateError ? err.code : 'not-camgate';
  }
  return undefined;
}

const OK = Buffer.from('RTSP/1.0 200 OK\r\nCSeq: 4\r\nSession: 1\r\n\r\n');

describe('RtspParser', () => {
  it('separates interleaved frames from a response arriving between them', () => {
    const stream = Buffer.concat([frame(0, [1, 2, 3]), OK, frame(1, [9]), frame(0, [])]);
    const items = collect(new RtspParser(), [stream]);
    expect(items).toEqual([
      { type: 'rtp', channel: 0, payload: '010203' },
      { type: 'msg', status: 200 },
      { type: 'rtp', channel: 1, payload: '09' },
      { type: 'rtp', channel: 0, payload: '' },
    ]);
  });

  it('gives the same result for every split point of the stream', () => {
    const body = 'v=0\r\nm=video 0 RTP/AVP 96\r\n';
    const describe = Buffer.from(
      `RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    const stream = Buffer.concat([frame(0, [0x80, 0x60]), describe, frame(0, [7, 7, 7])]);
    const expected = collect(new RtspParser(), [stream]);
    for (let cut = 1; cut < stream.length; cut++) {
      const items = collect(new RtspParser(), [stream.subarray(0, cut), stream.subarray(cut)]);
      expect(items, `cut at ${cut}`).toEqual(expected);
    }
  });

  it('gives the same result when every read lands in one reused buffer, cut into 1..40-byte pieces (#14)', () => {
    // The daemon reads every socket into one shared buffer: whatever the parser keeps between
    // reads must be its own copy, or the next read overwrites the frame it is completing.
    const big = Array.from({ length: 300 }, (_, i) => i & 0xff);
    const stream = Buffer.concat([
      frame(0, big),
      OK,
      frame(0, [1, 2]),
      frame(1, big.slice(0, 57)),
      frame(0, big),
    ]);
    const expected = collect(new RtspParser(), [stream]);
    const shared = Buffer.alloc(64);
    for (let seed = 1; seed <= 40; seed++) {
      const parser = new RtspParser();
      const out: Item[] = [];
      const sink = {
        onMessage: (m: RtspMessage) => out.push({ type: 'msg', status: m.status }),
        onInterleaved: (channel: number, data: Buffer, offset: number, length: number) =>
          out.push({ type: 'rtp', channel, payload: data.toString('hex', offset, offset + length) }),
      };
      for (let pos = 0, step = 0; pos < stream.length; pos += step) {
        step = Math.min(stream.length - pos, 1 + ((pos * 7 + seed * 13) % seed) + (seed % 5));
        stream.copy(shared, 0, pos, pos + step);
        parser.push(shared.subarray(0, step), sink);
        shared.fill(0xee);
      }
      expect(out, `seed ${seed}`).toEqual(expected);
    }
  });

  it('skips stray CRLF between messages (GW Security, Longse)', () => {
    expect(
      collect(new RtspParser(), [Buffer.concat([Buffer.from('\r\n'), OK, Buffer.from('\r\n'), OK])]),
    ).toHaveLength(2);
  });

  it('rejects binary garbage with RTSP_PROTOCOL', () => {
    expect(codeOf(() => collect(new RtspParser(), [Buffer.from([0x00, 0xff, 0x13])]))).toBe('RTSP_PROTOCOL');
  });

  it('rejects a non-RTSP start line (an HTTP server on 554) as soon as the line ends', () => {
    expect(codeOf(() => collect(new RtspParser(), [Buffer.from('HTTP/1.1 400 Bad Request\r\n')]))).toBe(
      'RTSP_PROTOCOL',
    );
  });

  it('bounds header bytes even when the end of headers never comes', () => {
    const parser = new RtspParser({ maxHeaderBytes: 1024, maxHeaderCount: 64, maxBodyBytes: 4096 });
    const start = Buffer.from('RTSP/1.0 200 OK\r\nX-Pad: ');
    expect(codeOf(() => collect(parser, [start, Buffer.alloc(2000, 0x61)]))).toBe('RTSP_TOO_LARGE');
  });

  it('bounds the header count', () => {
    const many = Array.from({ length: 100 }, (_, i) => `X-${i}: y`).join('\r\n');
    const msg = Buffer.from(`RTSP/1.0 200 OK\r\n${many}\r\n\r\n`);
    expect(codeOf(() => collect(new RtspParser(), [msg]))).toBe('RTSP_TOO_LARGE');
  });

  it('bounds the body size before buffering it', () => {
    const msg = Buffer.from('RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Length: 100000000\r\n\r\n');
    expect(codeOf(() => collect(new RtspParser(), [msg]))).toBe('RTSP_TOO_LARGE');
  });

  it('stays failed after an error', () => {
    const parser = new RtspParser();
    expect(codeOf(() => collect(parser, [Buffer.from([0x01])]))).toBe('RTSP_PROTOCOL');
    expect(codeOf(() => collect(parser, [OK]))).toBe('RTSP_PROTOCOL');
  });
});

describe('buildRequest / splitRtspUrl', () => {
  it('serialises a request with CSeq and headers', () => {
    const text = buildRequest({
      method: 'SETUP',
      url: 'rtsp://h/a',
      cseq: 3,
      headers: { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' },
    }).toString();
    expect(text).toBe(
      'SETUP rtsp://h/a RTSP/1.0\r\nCSeq: 3\r\nUser-Agent: camgate\r\nTransport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n\r\n',
    );
  });

  it('refuses header values that would inject a line', () => {
    expect(() =>
      buildRequest({ method: 'PLAY', url: 'rtsp://h/a', cseq: 1, headers: { Session: '1\r\nX: y' } }),
    ).toThrow();
  });

  it('takes credentials out of the URL', () => {
    expect(splitRtspUrl('rtsp://admin:p%40ss@127.0.0.1:8554/live?ch=1')).toEqual({
      url: 'rtsp://127.0.0.1:8554/live?ch=1',
      host: '127.0.0.1',
      port: 8554,
      username: 'admin',
      password: 'p@ss',
    });
  });
});
