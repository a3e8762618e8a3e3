import { describe, expect, it } from 'vitest';
import { parseChallenges, pickChallenge, RtspAuthenticator } from '../../../src/streams/rtsp/rtspAuth.js';

describe('RTSP auth', () => {
  it('computes the RFC 2617 3.5 MD5 qop=auth example', () => {
    const [c] = parseChallenges([
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    ]);
    if (!c) throw new Error('no challenge');
    const auth = new RtspAuthenticator(
      c,
      { username: 'Mufasa', password: 'Circle Of Life', allowBasic: false },
      () => '0a4f113b',
    );
    const header = auth.header('GET', '/dir/index.html');
    expect(header).toContain('response="6629fae49393a05397450978507c4ef1"');
    expect(header).toContain('nc=00000001');
    expect(auth.header('GET', '/dir/index.html')).toContain('nc=00000002');
  });

  it('computes the RFC 7616 3.9.1 SHA-256 example', () => {
    const challenges = parseChallenges([
      'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
      'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    ]);
    const c = pickChallenge(challenges, false);
    expect(c?.algorithm).toBe('SHA-256');
    if (!c) throw new Error('no challenge');
    const auth = new RtspAuthenticator(
      c,
      { username: 'Mufasa', password: 'Circle of Life', allowBasic: false },
      () => 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
    );
    const header = auth.header('GET', '/dir/index.html');
    expect(header).toContain('response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"');
    expect(header).toContain('algorithm=SHA-256');
  });

  it('answers a Longse challenge without qop in RFC 2069 form', () => {
    const [c] = parseChallenges(['Digest realm="Surveillance Server", nonce="98481030"']);
    if (!c) throw new Error('no challenge');
    const header = new RtspAuthenticator(c, { username: 'admin', password: 'x', allowBasic: false }).header(
      'DESCRIBE',
      'rtsp://h/',
    );
    expect(header).not.toContain('qop=');
    expect(header).toMatch(/response="[0-9a-f]{32}"/);
  });

  it('reads stale=true', () => {
    expect(parseChallenges(['Digest realm="r", nonce="n2", stale=TRUE'])[0]?.stale).toBe(true);
  });

  it('uses Basic only when allowed', () => {
    const challenges = parseChallenges(['Basic realm="cam"']);
    expect(pickChallenge(challenges, false)).toBeUndefined();
    const c = pickChallenge(challenges, true);
    if (!c) throw new Error('no challenge');
    expect(
      new RtspAuthenticator(c, { username: 'a', password: 'b', allowBasic: true }).header(
        'OPTIONS',
        'rtsp://h/',
      ),
    ).toBe('Basic YTpi');
    expect(() => new RtspAuthenticator(c, { username: 'a', password: 'b', allowBasic: false })).toThrow(
      /Basic/,
    );
  });

  it('prefers Digest over Basic when both are offered', () => {
    const c = pickChallenge(parseChallenges(['Basic realm="cam"', 'Digest realm="cam", nonce="abc"']), true);
    expect(c?.scheme).toBe('digest');
  });
});
