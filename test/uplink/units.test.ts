import { describe, expect, it } from 'vitest';
import { silentLog } from '../../src/shared/log.js';
import { parseCentreState } from '../../src/uplink/centreState.js';
import { brokerUrls, clientOptions } from '../../src/uplink/clientOptions.js';
import { runCommand } from '../../src/uplink/commands.js';
import { topicsFor } from '../../src/uplink/topics.js';
import { mqttConfig } from './helpers/gateway.js';

describe('topicsFor', () => {
  const t = topicsFor('korosten-01', 'nvr-01');
  it('builds the v1 topic table', () => {
    expect(t.status).toBe('camgate/v1/korosten-01/nvr-01/status');
    expect(t.cameraState('gate-lpr-1')).toBe('camgate/v1/korosten-01/nvr-01/cameras/gate-lpr-1/state');
    expect(t.cmdResp('r1')).toBe('camgate/v1/korosten-01/nvr-01/cmd-resp/r1');
    expect(t.commandName('camgate/v1/korosten-01/nvr-01/cmd/probe')).toBe('probe');
    expect(t.commandName('camgate/v1/korosten-01/nvr-02/cmd/probe')).toBeUndefined();
  });
  it('never lets an id add levels or wildcards', () => {
    expect(t.cameraState('a/b+#')).toBe('camgate/v1/korosten-01/nvr-01/cameras/a_b__/state');
  });
});

describe('parseCentreState', () => {
  it.each([
    ['{"state":"online","ts":"x"}', 'online'],
    ['online', 'online'],
    ['{"state":"lost"}', 'offline'],
    ['', 'offline'],
    ['{garbled', 'unknown'],
    ['maybe', 'unknown'],
  ])('%s → %s', (text, want) => {
    expect(parseCentreState(Buffer.from(text))).toBe(want);
  });
});

describe('clientOptions', () => {
  const files: Record<string, string> = { '/pw': 's3cret\n', '/ca': 'CA', '/cert': 'CERT', '/key': 'KEY' };
  const read = (p: string) => {
    const v = files[p];
    if (v === undefined) throw new Error(`ENOENT ${p}`);
    return Buffer.from(v);
  };
  const will = { topic: 't', payload: '{}' };
  it('MQTT 5: will delay, session expiry, no reconnects, QoS 0 queue or number write cache of mqtt.js', () => {
    const o = clientOptions({
      mqtt: mqttConfig({ username: 'nvr-01', passwordFile: '/pw', ca: '/ca', cert: '/cert', key: '/key' }),
      clientId: 'nvr-01',
      will,
      willDelaySeconds: 10,
      sessionExpirySeconds: 60,
      receiveMaximum: 100,
      readFile: read,
    });
    expect(o).toMatchObject({
      clientId: 'nvr-01',
      clean: false,
      reconnectPeriod: 0,
      queueQoSZero: false,
      protocolVersion: 5,
      writeCache: false,
    });
    expect(o.will?.properties?.willDelayInterval).toBe(10);
    expect(o.properties?.sessionExpiryInterval).toBe(60);
    expect(String(o.password)).toBe('s3cret');
    expect(String(o.key)).toBe('KEY');
  });
  it('MQTT 3.1.1 has no v5 properties', () => {
    const o = clientOptions({
      mqtt: mqttConfig({ protocolVersion: 4 }),
      clientId: 'g',
      will,
      willDelaySeconds: 10,
      sessionExpirySeconds: 60,
      receiveMaximum: 100,
    });
    expect(o.properties).toBeUndefined();
    expect(o.will?.properties).toBeUndefined();
  });
  it('a missing file names the field and path, not the content', () => {
    expect(() =>
      clientOptions({
        mqtt: mqttConfig({ passwordFile: '/missing' }),
        clientId: 'g',
        will,
        willDelaySeconds: 1,
        sessionExpirySeconds: 1,
        receiveMaximum: 1,
        readFile: read,
      }),
    ).toThrow('mqtt.passwordFile: cannot read /missing');
  });
  it('tries url first, then urls, without duplicates', () => {
    expect(
      brokerUrls(
        mqttConfig({ url: 'mqtt://127.0.0.1:1', urls: ['mqtt://127.0.0.1:2', 'mqtt://127.0.0.1:1'] }),
      ),
    ).toEqual(['mqtt://127.0.0.1:1', 'mqtt://127.0.0.1:2']);
  });
});

describe('commands', () => {
  const now = Date.parse('2026-11-20T10:00:00Z');
  it('answers invalid JSON as invalid', async () => {
    const ans = await runCommand({
      name: 'probe',
      body: Buffer.from('{'),
      handlers: {},
      receipt: { wallMs: now, monoMs: 0 },
      clock: { monotonic: () => 0 },
      log: silentLog(),
      signal: new AbortController().signal,
    });
    expect(ans.status).toBe('invalid');
  });
});
