import { describe, expect, it } from 'vitest';
import { allowedHost, allowedOrigin } from '../../../src/streams/live/loopbackOrigin.js';

const port = 8090;

describe('allowedHost: a request must name us (DNS rebinding)', () => {
  it.each([
    ['127.0.0.1:8090', true],
    ['localhost:8090', true],
    ['LOCALHOST:8090', true], // host names are case-insensitive
    ['LocalHost:8090', true],
    [undefined, false], // HTTP/1.0 without Host: not a browser page of ours
    ['', false],
    ['127.0.0.1', false], // no port, and we are not on 80
    ['127.0.0.1:8091', false], // another local port (ssh -L with different ports)
    ['localhost:80', false],
    ['[::1]:8090', false], // we listen on 127.0.0.1 only; see README
    ['localhost.:8090', false], // trailing dot: a different name to the browser's origin checks
    ['evil.example:8090', false], // a rebound name
    ['127.0.0.1.evil.example:8090', false],
    ['127.0.0.1:8090.evil.example', false],
    [' 127.0.0.1:8090', false],
  ] as const)('Host %j → %s', (host, ok) => {
    expect(allowedHost(host, port)).toBe(ok);
  });
});

describe('allowedOrigin: a browser video socket must come from our page', () => {
  it.each([
    ['http://127.0.0.1:8090', true],
    ['http://localhost:8090', true],
    ['HTTP://LOCALHOST:8090', true],
    [undefined, true], // no Origin: not a browser (a CLI tool on this host)
    ['null', false], // a sandboxed iframe or a file:// page
    ['', false],
    ['http://127.0.0.1:8091', false], // port mismatch
    ['http://127.0.0.1', false],
    ['https://127.0.0.1:8090', false],
    ['http://[::1]:8090', false],
    ['http://localhost.:8090', false],
    ['http://evil.example', false],
    ['http://evil.example:8090', false],
    ['http://127.0.0.1:8090/', false], // an Origin is never written with a path
  ] as const)('Origin %j → %s', (origin, ok) => {
    expect(allowedOrigin(origin, port)).toBe(ok);
  });
});

// Review finding: with `--port 80` a browser leaves the default port out of Host and Origin, and
// every request was refused with 421.
describe('--port 80: the browser sends no port', () => {
  it.each([
    ['127.0.0.1', true],
    ['localhost', true],
    ['127.0.0.1:80', true],
    ['evil.example', false],
    ['[::1]', false],
    ['127.0.0.1:8090', false],
  ] as const)('Host %j → %s', (host, ok) => {
    expect(allowedHost(host, 80)).toBe(ok);
  });

  it.each([
    ['http://127.0.0.1', true],
    ['http://localhost', true],
    ['http://127.0.0.1:80', true],
    ['http://evil.example', false],
    ['null', false],
  ] as const)('Origin %j → %s', (origin, ok) => {
    expect(allowedOrigin(origin, 80)).toBe(ok);
  });
});
