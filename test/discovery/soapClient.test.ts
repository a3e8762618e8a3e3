import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SoapClient } from '../../src/discovery/soapClient.js';
import { NS } from '../../src/discovery/xml.js';
import { systemClock } from '../../src/shared/clock.js';
import { systemNet } from '../../src/shared/net.js';

/** A scripted camera on 127.0.0.1: each test decides how it authenticates. */
type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;
const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function camera(handler: Handler): Promise<string> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/onvif/device_service`;
}

const ok = `<?xml version="1.0"?><e:Envelope xmlns:e="${NS.soap12}"><e:Body><tds:GetDeviceInformationResponse xmlns:tds="${NS.tds}"><tds:Model>M</tds:Model></tds:GetDeviceInformationResponse></e:Body></e:Envelope>`;
const notAuthorized = `<?xml version="1.0"?><e:Envelope xmlns:e="${NS.soap12}" xmlns:ter="${NS.ter}"><e:Body><e:Fault><e:Code><e:Value>e:Sender</e:Value><e:Subcode><e:Value>ter:NotAuthorized</e:Value></e:Subcode></e:Code><e:Reason><e:Text xml:lang="en">Sender not Authorized</e:Text></e:Reason></e:Fault></e:Body></e:Envelope>`;
const creds = { username: 'admin', password: 'pw', allowBasic: false };
const body = `<GetDeviceInformation xmlns="${NS.tds}"/>`;
const deps = { clock: systemClock, net: systemNet };

describe('SoapClient auth', () => {
  it('answers an HTTP Digest challenge and reuses it (nc increments)', async () => {
    const seen: string[] = [];
    const url = await camera((req, _b, res) => {
      const auth = req.headers.authorization ?? '';
      seen.push(auth.replace(/response="[^"]*"/, ''));
      if (!auth.startsWith('Digest ')) {
        res
          .writeHead(401, {
            'www-authenticate': 'Digest realm="cam", nonce="abc", qop="auth", algorithm=MD5',
          })
          .end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/soap+xml' }).end(ok);
    });
    const client = new SoapClient(deps, { credential: creds, deadlineMs: 2000, maxBytes: 100_000 });
    await client.call(url, 'GetDeviceInformation', body);
    await client.call(url, 'GetDeviceInformation', body);
    expect(client.authMode).toBe('digest');
    expect(seen[0]).toBe('');
    expect(seen[1]).toContain('nc=00000001');
    expect(seen[2]).toContain('nc=00000002');
    expect(seen.join(' ')).not.toContain('pw');
  });

  it('falls back to WS-Security on a NotAuthorized fault and re-syncs the clock when the token is stale', async () => {
    const cameraOffsetMs = 3_600_000; // the camera runs an hour ahead
    let resyncs = 0;
    const url = await camera((_req, text, res) => {
      const created = /<wsu:Created>([^<]+)</.exec(text)?.[1];
      const nonce = /<wsse:Nonce[^>]*>([^<]+)</.exec(text)?.[1] ?? '';
      const digest = /<wsse:Password[^>]*>([^<]+)</.exec(text)?.[1];
      const fresh = created && Math.abs(Date.parse(created) - (Date.now() + cameraOffsetMs)) < 60_000;
      const expected = created
        ? createHash('sha1')
            .update(Buffer.concat([Buffer.from(nonce, 'base64'), Buffer.from(`${created}pw`)]))
            .digest('base64')
        : undefined;
      const good = fresh && digest === expected;
      res
        .writeHead(good ? 200 : 400, { 'content-type': 'application/soap+xml' })
        .end(good ? ok : notAuthorized);
    });
    const client = new SoapClient(deps, {
      credential: creds,
      deadlineMs: 2000,
      maxBytes: 100_000,
      clockOffsetMs: 0,
      resync: async () => {
        resyncs++;
        return cameraOffsetMs;
      },
    });
    const resp = await client.call(url, 'GetDeviceInformation', body);
    expect(resp.localName).toBe('GetDeviceInformationResponse');
    expect(client.authMode).toBe('wsse');
    expect(resyncs).toBe(1);
  });

  it('a re-sync that fails, or reads the same clock, costs no further login attempt and keeps the refusal', async () => {
    let attempts = 0;
    const url = await camera((req, _b, res) => {
      if (req.headers.authorization || _b.includes('wsse:Security')) attempts++;
      res.writeHead(400, { 'content-type': 'application/soap+xml' }).end(notAuthorized);
    });
    for (const resync of [
      async () => {
        throw new Error('clock read refused');
      },
      async () => 0,
    ]) {
      attempts = 0;
      const client = new SoapClient(deps, {
        credential: creds,
        deadlineMs: 2000,
        maxBytes: 100_000,
        clockOffsetMs: 0,
        resync,
      });
      await expect(client.call(url, 'GetDeviceInformation', body)).rejects.toMatchObject({
        code: 'ONVIF_AUTH',
      });
      expect(attempts).toBe(1); // the one WS-Security try; no second one after the re-sync
    }
  });

  it('a wrong password ends as ONVIF_AUTH after Digest and WS-Security are both refused', async () => {
    const url = await camera((req, _b, res) => {
      if (!req.headers.authorization) {
        res.writeHead(401, { 'www-authenticate': 'Digest realm="cam", nonce="n"' }).end();
        return;
      }
      res
        .writeHead(401, { 'content-type': 'text/html' })
        .end('<!DOCTYPE html><title>Document Error: Unauthorized</title>');
    });
    const client = new SoapClient(deps, { credential: creds, deadlineMs: 2000, maxBytes: 100_000 });
    await expect(client.call(url, 'GetDeviceInformation', body)).rejects.toMatchObject({
      code: 'ONVIF_AUTH',
    });
  });

  it('a slow-drip answer ends at the deadline; an oversized one at the cap', async () => {
    const drip = await camera((_req, _b, res) => {
      res.writeHead(200, { 'content-type': 'application/soap+xml' });
      const t = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(t));
    });
    const client = new SoapClient(deps, { deadlineMs: 500, maxBytes: 1000 });
    const t0 = performance.now();
    await expect(client.call(drip, 'X', body)).rejects.toMatchObject({ code: 'ONVIF_TIMEOUT' });
    expect(performance.now() - t0).toBeLessThan(3000);
    const big = await camera((_req, _b, res) => res.writeHead(200).end('x'.repeat(5000)));
    await expect(client.call(big, 'X', body)).rejects.toMatchObject({ code: 'ONVIF_TOO_LARGE' });
  });
});
