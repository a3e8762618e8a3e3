import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { connectAsync, type MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/shared/clock.js';
import { deferCleanup } from '../helpers/testCleanup.js';
import type { Centre } from './helpers/centre.js';
import { GATEWAY, mqttConfig, type TestGateway } from './helpers/gateway.js';
import type { Broker } from './helpers/mosquitto.js';
import { useBroker, useCentre, useGateway } from './helpers/rig.js';

const run = promisify(execFile);
const SCRIPT = path.join(import.meta.dirname, '..', '..', 'config', 'mosquitto-dynsec-gateway.sh');
const PLUGIN = '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so';
const [A, B, C] = ['site-a', 'site-b', 'site-c'];
const user = (site: string) => `${site}/${GATEWAY}`;
/** Test-only secrets: the admin's is given on mosquitto_ctrl's command line, which the script never does. */
const ADMIN_PW = 'dynsec-admin-pw-5';
const pw = (name: string) => `pw-${name.replace('/', '-')}-7`;

/**
 * #13 item 11 with the dynamic-security plugin, set up the way an operator would: `mosquitto_ctrl
 * dynsec init` (an admin, default deny), then config/mosquitto-dynsec-gateway.sh for the centre and
 * one role per gateway (Mosquitto 2.0's plugin has no %u). Three sites share the gateway id nvr-01.
 */
async function dynsecBroker(defaults: Record<string, boolean> = {}): Promise<Broker> {
  return await useBroker({
    extra: (dir) => {
      // What an operator does once, offline: an admin and the plugin's default-deny file.
      const file = path.join(dir, 'dynamic-security.json');
      execFileSync('mosquitto_ctrl', ['dynsec', 'init', file, 'admin', ADMIN_PW], { stdio: 'ignore' });
      const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { defaultACLAccess: Record<string, boolean> };
      Object.assign(doc.defaultACLAccess, defaults);
      fs.writeFileSync(file, JSON.stringify(doc));
      return ['allow_anonymous false', `plugin ${PLUGIN}`, `plugin_opt_config_file ${file}`];
    },
    persistence: false,
  });
}

const ctrlOptions = (broker: Broker): string[] => [
  ...['-h', '127.0.0.1', '-p', String(broker.port)],
  ...['-u', 'admin', '-P', ADMIN_PW],
];

async function dynsecSite(): Promise<{ broker: Broker; centre: Centre; ctrl: string[] }> {
  const broker = await dynsecBroker();
  const ctrl = ctrlOptions(broker);
  const script = async (...args: string[]): Promise<string> => {
    const child = run('sh', [SCRIPT, ...ctrl, ...args]);
    // createClient prompts for the password: an empty answer leaves none (set below).
    child.child.stdin?.end('\n');
    return (await child).stdout;
  };
  expect(await script('centre')).toContain('centre centre: client and role centre made');
  for (const site of [A, B, C])
    expect(await script('gateway', site, GATEWAY)).toContain(`gateway ${user(site)}`);
  for (const name of ['centre', user(A), user(B), user(C)])
    await run('mosquitto_ctrl', [...ctrl, 'dynsec', 'setClientPassword', name, pw(name)]);
  const centre = await useCentre(broker.url.replace('mqtt://', `mqtt://centre:${pw('centre')}@`));
  return { broker, centre, ctrl };
}

function gateway(broker: Broker, site: string): TestGateway {
  const file = path.join(broker.dir, `pw-${site}`);
  fs.writeFileSync(file, `${pw(user(site))}\n`);
  return useGateway(
    mqttConfig({ url: broker.url, protocolVersion: 5, username: user(site), passwordFile: file }),
    { siteId: site },
  );
}

/** Site C's gateway credentials, stolen from that box, used by someone else. */
async function intruder(broker: Broker, clientId = user(C)): Promise<MqttClient> {
  const m = await connectAsync(broker.url, {
    clientId,
    username: user(C),
    password: pw(user(C)),
    protocolVersion: 5,
    reconnectPeriod: 0,
  });
  deferCleanup(() => m.endAsync(true));
  return m;
}

async function command(centre: Centre, site: string, requestId: string): Promise<void> {
  await centre.publish(
    `camgate/v1/${site}/${GATEWAY}/cmd/rebirth`,
    JSON.stringify({ requestId, issuedAt: new Date().toISOString(), ttlSeconds: 60, args: {} }),
  );
}

describe.skipIf(!fs.existsSync(PLUGIN))(
  'per-gateway dynamic-security roles made by the shipped script',
  () => {
    it('a foreign SUBSCRIBE fails in the SUBACK (0x87) while the own one in the same packet works; foreign publishes are refused and never delivered', async () => {
      const { broker, centre } = await dynsecSite();
      const [a, b] = [gateway(broker, A), gateway(broker, B)];
      await a.uplink.start(new AbortController().signal);
      await b.uplink.start(new AbortController().signal);
      await centre.waitFor(
        () =>
          centre.on(`${A}/${GATEWAY}/status`).length > 0 && centre.on(`${B}/${GATEWAY}/status`).length > 0,
        'both births (each gateway may publish its own topics)',
      );

      const m = await intruder(broker);
      const received: string[] = [];
      m.on('message', (topic) => received.push(topic));
      const own = `camgate/v1/${C}/${GATEWAY}/cmd/+`;
      const foreign = [`camgate/v1/${B}/${GATEWAY}/cmd/+`, `camgate/v1/${B}/#`, '#', 'camgate/v1/+/+/status'];
      // mqtt.js rejects a SUBACK holding any failure code; the codes are on the error's packet.
      const codes = await m.subscribeAsync([own, ...foreign], { qos: 1 }).then(
        (granted) => granted.map((g) => g.qos),
        (err: { packet?: { granted?: number[] } }) => err.packet?.granted,
      );
      expect(codes).toEqual([1, ...foreign.map(() => 0x87)]);

      // Refused at the PUBACK (QoS 1), and silently dropped at QoS 0: neither reaches site B's consumers.
      const target = `camgate/v1/${B}/${GATEWAY}/events`;
      const puback = await m.publishAsync(target, 'forged-qos1', { qos: 1 }).then(
        () => 'accepted',
        (err: { code?: number }) => err.code,
      );
      expect(puback).toBe(0x87);
      await m.publishAsync(target, 'forged-qos0', { qos: 0 });
      await m.publishAsync(`camgate/v1/${B}/${GATEWAY}/cmd/rebirth`, '{}', { qos: 0 });

      // Its own command topic is live, and site B's gateway still gets and answers its own commands.
      await command(centre, C, 'for-c');
      await command(centre, B, 'for-b');
      await centre.waitFor(
        () => centre.on(`${B}/${GATEWAY}/cmd-resp/for-b`).length > 0,
        'B answers its command',
      );
      await systemClock.sleep(500);
      expect(received).toEqual([`camgate/v1/${C}/${GATEWAY}/cmd/rebirth`]);
      expect(centre.messages.filter((x) => x.text.startsWith('forged'))).toEqual([]);
      // The forged rebirth never reached B: B answered exactly one command.
      const answers = centre.messages.filter((x) =>
        x.topic.startsWith(`camgate/v1/${B}/${GATEWAY}/cmd-resp/`),
      );
      expect(answers.map((x) => x.topic)).toEqual([`camgate/v1/${B}/${GATEWAY}/cmd-resp/for-b`]);
    }, 90_000);

    it("another site's client id is refused with these credentials (no session takeover)", async () => {
      const { broker, centre } = await dynsecSite();
      const b = gateway(broker, B);
      await b.uplink.start(new AbortController().signal);
      await centre.waitFor(() => centre.on(`${B}/${GATEWAY}/status`).length > 0, 'B birth');
      const refused = await intruder(broker, user(B)).then(
        () => 'connected',
        (err: { code?: number }) => err.code,
      );
      // CONNACK 0x87 not authorized (0x86 bad user name or password on some builds): either way refused.
      expect([0x86, 0x87]).toContain(refused);
      await systemClock.sleep(1000);
      expect(b.uplink.connected).toBe(true);
      expect(
        centre.on(`${B}/${GATEWAY}/status`).map((s) => (s.json as { state: string }).state),
      ).not.toContain('lost');
    }, 60_000);

    it('the script refuses a broker whose default lets clients subscribe, and ids that are not one topic level', async () => {
      const broker = await dynsecBroker({ subscribe: true });
      const outcome = (...args: string[]) =>
        run('sh', [SCRIPT, ...ctrlOptions(broker), ...args]).then(
          () => ({ code: 0, stderr: '' }),
          (err: { code?: number; stderr?: string }) => ({ code: err.code, stderr: err.stderr ?? '' }),
        );
      const open = await outcome('gateway', A, GATEWAY);
      expect(open.code).toBe(1);
      expect(open.stderr).toContain('default subscribe access is not deny');
      const bad = await outcome('gateway', 'site/a', GATEWAY);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('one topic level');
      // Nothing was made on the open broker.
      const roles = await run('mosquitto_ctrl', [...ctrlOptions(broker), 'dynsec', 'listRoles']);
      expect(roles.stdout).toContain('admin');
      expect(roles.stdout).not.toContain('gateway:');
    }, 60_000);
  },
);
