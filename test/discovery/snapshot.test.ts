import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cameraModels } from '../../fixtures/sim/cameraModels.js';
import { type SimSite, startSite } from '../../fixtures/sim/site.js';
import { fetchSnapshot, isJpeg } from '../../src/discovery/snapshot.js';
import { systemClock } from '../../src/shared/clock.js';
import { systemNet } from '../../src/shared/net.js';
import { testBase } from '../fixtures/sim/helpers.js';

const deps = { clock: systemClock, net: systemNet };
const credential = { username: 'admin', password: 'snap-Secret-3', allowBasic: false };
let site: SimSite;
let bad: http.Server;
let badBase = '';

beforeAll(async () => {
  site = await startSite({
    cameras: [{ kind: 'overview' }],
    baseAddress: testBase(70),
    password: credential.password,
    discovery: false,
  });
  // A web server that misbehaves the ways cameras do: a login page with 200, 50 MB, silence.
  bad = http.createServer((req, res) => {
    if (req.url === '/login') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><title>Please log in</title></html>');
    } else if (req.url === '/huge') {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      const chunk = Buffer.alloc(1 << 20, 0xff);
      let sent = 0;
      const pump = () => {
        while (sent < 50 && res.write(chunk)) sent += 1;
        if (sent < 50) res.once('drain', pump);
        else res.end();
      };
      pump();
    } else if (req.url === '/basic') {
      const expected = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="cam"' });
        res.end();
      } else {
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        res.end(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]));
      }
    } else if (req.url === '/hang') {
      // Never answers.
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => bad.listen(0, '127.0.0.1', resolve));
  badBase = `http://127.0.0.1:${(bad.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  bad?.closeAllConnections();
  await new Promise((r) => bad?.close(r));
  await site?.stop();
});

describe('fetchSnapshot', () => {
  it("fetches the camera's JPEG with HTTP Digest", async () => {
    const cam = site.cameras[0];
    if (!cam) throw new Error('sim camera missing');
    const url = new URL(cameraModels[cam.kind].snapshotPath, cam.xaddr).toString();
    const jpeg = await fetchSnapshot(deps, { url, credential, deadlineMs: 5000, maxBytes: 5_000_000 });
    expect(isJpeg(jpeg)).toBe(true);
    expect(jpeg.length).toBeGreaterThan(1000);
    await expect(
      fetchSnapshot(deps, {
        url,
        credential: { ...credential, password: 'wrong' },
        deadlineMs: 5000,
        maxBytes: 5_000_000,
      }),
    ).rejects.toThrow(/HTTP 401, credentials refused/);
  });

  it('refuses a page that is not a JPEG, bounds size and time', async () => {
    const opts = { credential, deadlineMs: 1500, maxBytes: 2_000_000 };
    await expect(fetchSnapshot(deps, { url: `${badBase}/login`, ...opts })).rejects.toThrow(
      /not a JPEG \(text\/html/,
    );
    await expect(fetchSnapshot(deps, { url: `${badBase}/huge`, ...opts })).rejects.toThrow(
      /exceeds 2000000 bytes/,
    );
    const started = performance.now();
    await expect(fetchSnapshot(deps, { url: `${badBase}/hang`, ...opts })).rejects.toThrow(/within 1500 ms/);
    expect(performance.now() - started).toBeLessThan(5000);
    await expect(fetchSnapshot(deps, { url: `${badBase}/gone`, ...opts })).rejects.toThrow(/HTTP 404/);
    await expect(
      fetchSnapshot(deps, { url: `${badBase.replace('http:', 'https:')}/x`, ...opts }),
    ).rejects.toThrow(/https: URIs are not fetched/);
  });

  it('sends Basic only when the credential allows it', async () => {
    const opts = { url: `${badBase}/basic`, deadlineMs: 1500, maxBytes: 100_000 };
    await expect(fetchSnapshot(deps, { ...opts, credential })).rejects.toThrow(/HTTP 401/);
    const jpeg = await fetchSnapshot(deps, { ...opts, credential: { ...credential, allowBasic: true } });
    expect(isJpeg(jpeg)).toBe(true);
  });
});
