import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLog } from '../../src/shared/log.js';
import { redactText, safeUrl } from '../../src/shared/redact.js';

describe('redaction', () => {
  it.each([
    ['rtsp://admin:hunter2@10.0.0.5:554/Streaming/101', 'hunter2'],
    ['Authorization: Digest username="admin", response="abc123def"', 'abc123def'],
    ['authorization=Basic YWRtaW46aHVudGVyMg==', 'YWRtaW46aHVudGVyMg=='],
    ['{"password":"hunter2"}', 'hunter2'],
    ['<wsse:Password Type="...#PasswordDigest">c2VjcmV0ZGlnZXN0</wsse:Password>', 'c2VjcmV0ZGlnZXN0'],
    // A URL whose start a cut removed (ffmpeg's stderr tail), and bare credentials.
    ['in:Tail-Secret-9@10.1.2.3/stream: 401 Unauthorized', 'Tail-Secret-9'],
    ['login admin:p%40ss!w0rd@cam-7.local failed', 'p%40ss!w0rd'],
    ['{"url":"admin:hunter2@10.0.0.5"}', 'hunter2'],
  ])('strips the secret from %s', (text, secret) => {
    expect(redactText(text)).not.toContain(secret);
  });

  it.each([
    'alerts to ops@city.example, cc: ops-2@city.example',
    '{"mail":"ops@city.example","note":"x"}',
    '[rtsp @ 0x55d0c8a0] method SETUP failed: 461 Unsupported Transport',
    'Stream #0:0: Video: h264 (Main), yuv420p, 1920x1080 @ 25 fps',
    'at file:///work/node_modules/.pnpm/vitest@1.6.0/node_modules/vitest/dist/index.js:10:5',
    'camgate@10.0.0.9 cname',
  ])('leaves text without credentials as it is: %s', (text) => {
    expect(redactText(text)).toBe(text);
  });

  it('redacts a URL cut before its scheme to the host', () => {
    expect(redactText('in:Tail-Secret-9@10.1.2.3/stream')).toBe('***@10.1.2.3/stream');
    expect(redactText('rtsp://admin:pw@10.0.0.5/s')).toBe('rtsp://***@10.0.0.5/s');
  });

  it('keeps the host of a URL', () => {
    expect(safeUrl('rtsp://admin:pw@10.0.0.5:554/s')).toBe('rtsp://10.0.0.5:554/s');
  });

  it('keeps secrets out of structured logs, messages and errors', () => {
    let out = '';
    const sink = new Writable({
      write(chunk, _enc, cb) {
        out += String(chunk);
        cb();
      },
    });
    const log = createLog({ level: 'debug' }, sink);
    log.info(
      { password: 'pw-field', url: 'rtsp://u:pw-url@h/s', headers: { authorization: 'Digest pw-header' } },
      'x',
    );
    log.warn({ err: new Error('connect rtsp://u:pw-err@h/s failed') }, 'failed rtsp://u:pw-msg@h/');
    for (const secret of ['pw-field', 'pw-url', 'pw-header', 'pw-err', 'pw-msg'])
      expect(out).not.toContain(secret);
    expect(out).toContain('rtsp://***@h/s');
  });
});
