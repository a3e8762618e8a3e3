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
  ])('strips the secret from %s', (text, secret) => {
    expect(redactText(text)).not.toContain(secret);
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
