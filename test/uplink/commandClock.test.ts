import { describe, expect, it } from 'vitest';
import { type Clock, systemClock } from '../../src/shared/clock.js';
import { commandResponsePayload } from '../../src/uplink/payloads.js';
import type { Centre } from './helpers/centre.js';
import { GATEWAY, mqttConfig, SITE, type TestGateway } from './helpers/gateway.js';
import type { Broker } from './helpers/mosquitto.js';
import { useBroker, useCentre, useGateway } from './helpers/rig.js';

const CMD = `camgate/v1/${SITE}/${GATEWAY}/cmd/`;
const H = 3_600_000;

/** The gateway's wall clock, faked: stepped by `offsetMs`, or stuck near 1970 (RTC-less boot). Monotonic stays real. */
function wallClock(wall: () => number): Clock {
  return { ...systemClock, now: wall };
}

function gatewayWith(broker: Broker, clock: Clock, ran: string[]): TestGateway {
  return useGateway(mqttConfig({ url: broker.url, protocolVersion: 5 }), {
    clock,
    handlers: {
      snapshot: async (args) => {
        ran.push(String(args.cameraId));
        return { bytes: 1 };
      },
    },
  });
}

function answer(c: Centre, requestId: string) {
  const m = c.on(`/cmd-resp/${requestId}`)[0];
  return m ? commandResponsePayload.parse(m.json) : undefined;
}

/** As the centre should send it: message expiry = ttlSeconds, so the broker counts the queued time. */
async function send(c: Centre, requestId: string, body: Record<string, unknown>, expiry?: number) {
  await c.publish(
    `${CMD}snapshot`,
    JSON.stringify({ requestId, args: { cameraId: requestId }, ...body }),
    expiry === undefined ? { qos: 1 } : { qos: 1, properties: { messageExpiryInterval: expiry } },
  );
}

describe('command expiry against a real broker with a wrong gateway clock', () => {
  it.each([
    ['+2 h', 2 * H],
    ['-2 h', -2 * H],
  ])(
    'clock stepped %s: a fresh command runs on the monotonic rules instead of being refused',
    async (_n, offset) => {
      const broker = await useBroker();
      const c = await useCentre(broker.url);
      const ran: string[] = [];
      const g = gatewayWith(
        broker,
        wallClock(() => Date.now() + offset),
        ran,
      );
      await g.uplink.start(new AbortController().signal);
      await c.waitFor(() => c.on('/status').length >= 1, 'birth');
      const now = Date.now();
      await send(c, 'fresh', { issuedAt: new Date(now).toISOString(), ttlSeconds: 60 }, 60);
      await c.waitFor(() => answer(c, 'fresh') !== undefined, 'the answer');
      // Regression: +2 h used to answer `expired` to every fresh command.
      expect(answer(c, 'fresh')).toMatchObject({
        status: 'ok',
        expiry: { rule: 'messageExpiry', wallClock: 'untrusted', untrustedBecause: 'out_of_sync' },
      });
      expect(ran).toEqual(['fresh']);
    },
    30_000,
  );

  it('boot at 1970: queued stale commands are not run, a queued fresh one is, and the answers say why', async () => {
    const broker = await useBroker();
    const c = await useCentre(broker.url);
    // First life subscribes (persistent session), then the site goes offline.
    const first = gatewayWith(broker, systemClock, []);
    await first.uplink.start(new AbortController().signal);
    await c.waitFor(() => c.on('/status').length >= 1, 'first birth');
    await first.uplink.stop();
    const now = Date.now();
    // Queued at the broker while the gateway is away.
    await send(c, 'stale-expiry', { issuedAt: new Date(now).toISOString(), ttlSeconds: 1 }, 1);
    await send(c, 'stale-wall', {
      issuedAt: new Date(now - 48 * H).toISOString(),
      expiresAt: new Date(now - 47 * H).toISOString(),
    });
    await send(c, 'fresh', { issuedAt: new Date(now).toISOString(), ttlSeconds: 600 }, 600);
    await systemClock.sleep(2500);
    // The box reboots without an RTC: its wall clock starts at 1970.
    const bootedAt = Date.now();
    const ran: string[] = [];
    const g = gatewayWith(
      broker,
      wallClock(() => Date.UTC(1970, 0, 1) + (Date.now() - bootedAt)),
      ran,
    );
    await g.uplink.start(new AbortController().signal);
    await c.waitFor(
      () => answer(c, 'fresh') !== undefined && answer(c, 'stale-wall') !== undefined,
      'answers',
    );
    expect(answer(c, 'fresh')).toMatchObject({
      status: 'ok',
      expiry: { rule: 'messageExpiry', wallClock: 'untrusted', untrustedBecause: 'before_build_date' },
    });
    // Regression: expiresAt (two days ago) compared with 1970 looked in the future, and it ran.
    expect(answer(c, 'stale-wall')).toMatchObject({
      status: 'expired',
      expiry: { rule: 'unverifiable', wallClock: 'untrusted' },
    });
    // The broker dropped the one whose message expiry ran out while queued.
    await systemClock.sleep(500);
    expect(answer(c, 'stale-expiry')).toBeUndefined();
    expect(ran).toEqual(['fresh']);
  }, 30_000);
});
