import http from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ControlServer } from '../../src/app/control.js';
import { controlFetch, controlRequest } from '../../src/cli/controlClient.js';
import { silentLog } from '../../src/shared/log.js';
import { useTempDir } from '../helpers/tempDir.js';
import { deferCleanup } from '../helpers/testCleanup.js';

/** Values whose JSON spelling could differ between one encode and a parse + encode. */
const AWKWARD = {
  text: 'Коростень "centre"\n\ttab \u2028 \u0007 😀 \ud800 lone surrogate',
  numbers: [0, -0, 1e21, 1e-7, 0.1 + 0.2, -1.5, 2 ** 60],
  empty: { list: [], map: {} },
  missing: [undefined, null, () => 1],
  skipped: undefined,
  at: new Date('2026-12-05T19:00:00.123Z'),
  order: { b: 1, 2: 'two', a: 2, 1: 'one' },
};

async function serve(): Promise<string> {
  const socket = path.join(useTempDir('camgate-control-'), 'control.sock');
  const control = new ControlServer({ socketPath: socket, log: silentLog() });
  control.route('GET', '/doc', () => AWKWARD);
  control.route('POST', '/doc', () => AWKWARD);
  await control.start();
  deferCleanup(() => control.stop());
  return socket;
}

describe('the control socket indents an answer on request (#14: `status --json` prints its bytes)', () => {
  it('GET ?indent=2 is the same text as parsing the compact answer and indenting it, and says so', async () => {
    const socket = await serve();
    const compact = await controlFetch(socket, 'GET', '/doc');
    expect(compact.indented).toBe(false);
    expect(compact.body.toString('utf8')).toBe(JSON.stringify(AWKWARD));
    const indented = await controlFetch(socket, 'GET', '/doc?indent=2');
    expect(indented.indented).toBe(true);
    const reEncoded = JSON.stringify(JSON.parse(compact.body.toString('utf8')), null, 2);
    expect(indented.body.toString('utf8')).toBe(reEncoded);
    expect(indented.body.toString('utf8')).toContain('\n  "text": ');
    expect(await controlRequest(socket, 'GET', '/doc?indent=2')).toEqual(
      await controlRequest(socket, 'GET', '/doc'),
    );
  });

  it('indents only GET answers and only for indent=2', async () => {
    const socket = await serve();
    expect((await controlFetch(socket, 'POST', '/doc?indent=2', {})).indented).toBe(false);
    for (const query of ['indent=4', 'indent', 'pretty=1']) {
      const reply = await controlFetch(socket, 'GET', `/doc?${query}`);
      expect(reply.indented, query).toBe(false);
      expect(reply.body.toString('utf8')).toBe(JSON.stringify(AWKWARD));
    }
    await expect(controlFetch(socket, 'GET', '/nope?indent=2')).rejects.toThrow('no route GET /nope');
  });

  it('an answer without the header is parsed, and a malformed one is refused as before', async () => {
    const socket = path.join(useTempDir('camgate-control-'), 'control.sock');
    const server = http.createServer((req, res) => {
      const body = req.url?.startsWith('/bad') ? '{"cameras": [' : '{"a":1}';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    await new Promise<void>((ok) => server.listen(socket, ok));
    deferCleanup(() => new Promise((ok) => server.close(ok)));
    expect(await controlRequest(socket, 'GET', '/ok')).toEqual({ a: 1 });
    await expect(controlRequest(socket, 'GET', '/bad')).rejects.toThrow('daemon sent a malformed reply');
  });
});
