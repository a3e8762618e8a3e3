import { describe, expect, it } from 'vitest';
import { commandResponsePayload } from '../../src/uplink/payloads.js';
import type { Centre } from './helpers/centre.js';
import { GATEWAY, mqttConfig, SITE } from './helpers/gateway.js';
import { useBroker, useCentre, useGateway } from './helpers/rig.js';

const CMD = `camgate/v1/${SITE}/${GATEWAY}/cmd/`;

async function setup(): Promise<{ c: Centre; ran: string[] }> {
  const broker = await useBroker();
  const centre = await useCentre(broker.url);
  const ran: string[] = [];
  const gw = useGateway(mqttConfig({ url: broker.url }), {
    handlers: {
      snapshot: async (args) => {
        ran.push(`snapshot:${String(args.cameraId)}`);
        return { bytes: 1234 };
      },
      probe: async () => {
        throw new Error('camera did not answer');
      },
    },
  });
  await gw.uplink.start(new AbortController().signal);
  const c = centre;
  await c.waitFor(() => c.on('/status').length >= 1, 'birth');
  return { c, ran };
}

function answer(c: Centre, requestId: string) {
  const m = c.on(`/cmd-resp/${requestId}`)[0];
  return m ? commandResponsePayload.parse(m.json) : undefined;
}

describe('commands from the centre', () => {
  it('runs a fresh command, answers expired without running a stale one, unsupported and invalid', async () => {
    const { c, ran } = await setup();
    const now = Date.parse(new Date().toISOString());
    await c.publish(
      `${CMD}snapshot`,
      JSON.stringify({
        requestId: 'fresh',
        issuedAt: new Date(now).toISOString(),
        ttlSeconds: 60,
        args: { cameraId: 'cam-1' },
      }),
    );
    await c.publish(
      `${CMD}snapshot`,
      JSON.stringify({
        requestId: 'stale',
        issuedAt: new Date(now - 3_600_000).toISOString(),
        ttlSeconds: 60,
        args: { cameraId: 'cam-2' },
      }),
    );
    await c.publish(
      `${CMD}snapshot`,
      JSON.stringify({
        requestId: 'past',
        issuedAt: new Date(now - 10_000).toISOString(),
        expiresAt: new Date(now - 5000).toISOString(),
        args: {},
      }),
    );
    await c.publish(
      `${CMD}rediscover`,
      JSON.stringify({ requestId: 'nohandler', issuedAt: new Date(now).toISOString(), args: {} }),
    );
    await c.publish(
      `${CMD}probe`,
      JSON.stringify({ requestId: 'fails', issuedAt: new Date(now).toISOString(), args: {} }),
    );
    await c.publish(`${CMD}probe`, JSON.stringify({ requestId: 'bad', args: {} }));
    await c.waitFor(
      () => ['fresh', 'stale', 'past', 'nohandler', 'fails', 'bad'].every((id) => answer(c, id)),
      'six answers',
    );
    expect(answer(c, 'fresh')).toMatchObject({ status: 'ok', command: 'snapshot', result: { bytes: 1234 } });
    expect(answer(c, 'stale')?.status).toBe('expired');
    expect(answer(c, 'past')?.status).toBe('expired');
    expect(answer(c, 'nohandler')?.status).toBe('unsupported');
    expect(answer(c, 'fails')).toMatchObject({ status: 'error', error: 'camera did not answer' });
    expect(answer(c, 'bad')?.status).toBe('invalid');
    expect(ran).toEqual(['snapshot:cam-1']);
  });

  it('answers on the MQTT 5 response topic with the correlation data', async () => {
    const { c } = await setup();
    const responseTopic = `camgate/v1/${SITE}/${GATEWAY}/cmd-resp/custom-inbox`;
    await c.publish(
      `${CMD}snapshot`,
      JSON.stringify({ requestId: 'r5', issuedAt: new Date().toISOString(), args: { cameraId: 'cam-1' } }),
      { qos: 1, properties: { responseTopic, correlationData: Buffer.from('corr-42') } },
    );
    await c.waitFor(() => c.on('/cmd-resp/custom-inbox').length >= 1, 'the answer on the response topic');
    expect(commandResponsePayload.parse(c.on('/cmd-resp/custom-inbox')[0]?.json).status).toBe('ok');
  });

  it('rebirth republishes the birth and retained state', async () => {
    const { c } = await setup();
    const births = () => c.on('/status').length;
    const before = births();
    await c.publish(
      `${CMD}rebirth`,
      JSON.stringify({ requestId: 'rb', issuedAt: new Date().toISOString(), args: {} }),
    );
    await c.waitFor(() => answer(c, 'rb') !== undefined, 'rebirth answer');
    expect(answer(c, 'rb')?.status).toBe('ok');
    expect(births()).toBeGreaterThan(before);
  });
});
