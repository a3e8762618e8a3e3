import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GATEWAY, mqttConfig, type TestGateway } from './helpers/gateway.js';
import type { Broker } from './helpers/mosquitto.js';
import { useBroker, useCentre, useGateway } from './helpers/rig.js';

const EXAMPLE_ACL = path.join(import.meta.dirname, '..', '..', 'config', 'mosquitto-acl.example');
const GW_PASSWORD = 'gw-Secret-0042';

/** A broker with password auth (gateway + centre users) and the given ACL text. */
async function aclBroker(acl: string): Promise<Broker> {
  return useBroker({
    extra: (dir) => {
      const pw = path.join(dir, 'passwd');
      execFileSync('mosquitto_passwd', ['-b', '-c', pw, GATEWAY, GW_PASSWORD]);
      execFileSync('mosquitto_passwd', ['-b', pw, 'centre', 'centre-pw']);
      fs.writeFileSync(path.join(dir, 'acl'), acl);
      return ['allow_anonymous false', `password_file ${pw}`, `acl_file ${path.join(dir, 'acl')}`];
    },
  });
}

function gatewayWithPassword(b: Broker): TestGateway {
  const pwFile = path.join(b.dir, 'gw-password');
  fs.writeFileSync(pwFile, `${GW_PASSWORD}\n`);
  return useGateway(mqttConfig({ url: b.url, username: GATEWAY, passwordFile: pwFile }));
}

describe('broker ACL', () => {
  it('the example ACL lets a gateway publish its own topics and answer commands', async () => {
    const broker = await aclBroker(fs.readFileSync(EXAMPLE_ACL, 'utf8'));
    const centre = await useCentre(broker.url.replace('mqtt://', 'mqtt://centre:centre-pw@'));
    const gw = gatewayWithPassword(broker);
    await gw.uplink.start(new AbortController().signal);
    const c = centre;
    await c.waitFor(() => c.on('/status').length >= 1 && c.on('/summary').length >= 1, 'birth and summary');
    gw.uplink.record({ type: 'camera.added', cameraId: 'cam-1', at: Date.parse('2026-11-20T10:00:00Z') });
    await c.waitFor(() => c.events().length >= 1, 'an event');
    await c.publish(
      `camgate/v1/korosten-01/${GATEWAY}/cmd/rebirth`,
      JSON.stringify({ requestId: 'r1', issuedAt: new Date().toISOString(), args: {} }),
    );
    await c.waitFor(() => c.on('/cmd-resp/r1').length >= 1, 'the command answer');
    expect(gw.lines.join('\n')).not.toContain(GW_PASSWORD);
  });

  it('a gateway denied by the ACL logs it, keeps its events and keeps running', async () => {
    const broker = await aclBroker(
      'pattern write camgate/v1/+/%u/status\npattern read camgate/v1/+/%u/cmd/+\nuser centre\ntopic read camgate/v1/#\n',
    );
    const centre = await useCentre(broker.url.replace('mqtt://', 'mqtt://centre:centre-pw@'));
    const gw = gatewayWithPassword(broker);
    await gw.uplink.start(new AbortController().signal);
    const g = gw;
    const c = centre;
    await c.waitFor(() => c.on('/status').length >= 1, 'birth (allowed)');
    g.uplink.record({ type: 'camera.added', cameraId: 'cam-1', at: Date.parse('2026-11-20T10:00:00Z') });
    await c.waitFor(
      () => g.lines.some((l) => l.includes('broker refused an outbox event')),
      'the refusal in the log',
    );
    expect(c.events()).toHaveLength(0);
    expect(g.outbox.repo.depth).toBe(1);
    // Still alive: it reconnects (another birth) after its backoff.
    await c.waitFor(
      () => c.on('/status').filter((m) => (m.json as { state: string }).state === 'online').length >= 2,
      'a reconnect',
    );
    expect(g.lines.join('\n')).not.toContain(GW_PASSWORD);
  });

  it('a wrong password is logged without the password, retried with backoff, and the daemon keeps running', async () => {
    const broker = await aclBroker(fs.readFileSync(EXAMPLE_ACL, 'utf8'));
    const pwFile = path.join(broker.dir, 'wrong-password');
    fs.writeFileSync(pwFile, 'Wrong-Secret-77\n');
    const gw = useGateway(mqttConfig({ url: broker.url, username: GATEWAY, passwordFile: pwFile }));
    await gw.uplink.start(new AbortController().signal);
    const g = gw;
    const c = await useCentre(broker.url.replace('mqtt://', 'mqtt://centre:centre-pw@'));
    await c.waitFor(
      () => g.lines.filter((l) => l.includes('MQTT reconnect scheduled')).length >= 2,
      'two retries',
    );
    expect(g.uplink.connected).toBe(false);
    expect(g.lines.some((l) => /Not authorized|Bad User Name or Password/i.test(l))).toBe(true);
    expect(g.lines.join('\n')).not.toContain('Wrong-Secret-77');
    expect(g.uplink.status()).toMatchObject({ state: 'disconnected' });
  });
});
