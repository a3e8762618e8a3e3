import { describe, expect, it } from 'vitest';
import { baseUrlOf, parsePresentation, resolveControl } from '../../../src/streams/rtsp/presentation.js';
import { RtspHeaders, type RtspMessage } from '../../../src/streams/rtsp/rtspMessage.js';

function describeResponse(headers: Record<string, string>, sdp: string): RtspMessage {
  const h = new RtspHeaders();
  for (const [k, v] of Object.entries(headers)) h.add(k, v);
  return {
    kind: 'response',
    status: 200,
    reason: 'OK',
    method: '',
    uri: '',
    headers: h,
    body: Buffer.from(sdp),
  };
}

const SDP = 'v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:track1\r\n';

describe('control URL resolution', () => {
  it('uses Content-Location when Content-Base is absent', () => {
    const res = describeResponse({ 'Content-Location': 'rtsp://cam/loc/' }, SDP);
    expect(baseUrlOf(res, 'rtsp://cam/req')).toBe('rtsp://cam/loc/');
    expect(parsePresentation(res, 'rtsp://cam/req').video.controlUrl).toBe('rtsp://cam/loc/track1');
  });

  it('prefers Content-Base over Content-Location', () => {
    const res = describeResponse(
      { 'Content-Location': 'rtsp://cam/loc/', 'Content-Base': 'rtsp://cam/base/' },
      SDP,
    );
    expect(baseUrlOf(res, 'rtsp://cam/req')).toBe('rtsp://cam/base/');
  });

  it('keeps absolute and "*" controls', () => {
    expect(resolveControl('rtsp://cam/a/', 'rtsp://other/b')).toBe('rtsp://other/b');
    expect(resolveControl('rtsp://cam/a/', '*')).toBe('rtsp://cam/a/');
    expect(resolveControl('rtsp://cam/a', undefined)).toBe('rtsp://cam/a');
  });

  it('rejects a DESCRIBE whose body is not SDP', () => {
    const res = describeResponse({ 'Content-Type': 'text/html' }, '<html></html>');
    expect(() => parsePresentation(res, 'rtsp://cam/req')).toThrow(/not SDP/);
  });

  it('rejects SDP without a video track', () => {
    const res = describeResponse({}, 'v=0\r\nm=audio 0 RTP/AVP 8\r\na=control:a\r\n');
    expect(() => parsePresentation(res, 'rtsp://cam/req')).toThrow(/no video/);
  });
});
