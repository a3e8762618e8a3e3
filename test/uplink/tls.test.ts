import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeCerts } from './helpers/certs.js';
import { GATEWAY, mqttConfig } from './helpers/gateway.js';
import type { Broker } from './helpers/mosquitto.js';
import { useBroker, useCentre, useGateway } from './helpers/rig.js';

/** Plain listener for the test's centre; a TLS listener (optionally requiring a client certificate) for the gateway. */
async function tlsBroker(
  requireCertificate: boolean,
): Promise<{ broker: Broker; tlsPort: number; certs: ReturnType<typeof makeCerts> }> {
  let certs: ReturnType<typeof makeCerts> | undefined;
  const b = await useBroker({
    extraPortCount: 1,
    extra: (dir) => {
      certs = makeCerts(path.join(dir, 'certs'), GATEWAY);
      return [];
    },
  });
  // The TLS listener needs the port chosen by start(); rewrite the config and relaunch.
  await b.stop();
  const c = certs ?? makeCerts(path.join(b.dir, 'certs'), GATEWAY);
  const tlsPort = b.extraPorts[0] ?? 0;
  b.appendConfig([
    `listener ${tlsPort} 127.0.0.1`,
    `cafile ${c.ca}`,
    `certfile ${c.serverCert}`,
    `keyfile ${c.serverKey}`,
    `require_certificate ${requireCertificate}`,
    ...(requireCertificate ? ['use_identity_as_username true'] : []),
  ]);
  await b.launch();
  return { broker: b, tlsPort, certs: c };
}

describe('uplink over TLS', () => {
  it('connects with server TLS (ca only) and publishes its birth', async () => {
    const t = await tlsBroker(false);
    const broker = t.broker;
    const centre = await useCentre(broker.url);
    const gw = useGateway(mqttConfig({ url: `mqtts://127.0.0.1:${t.tlsPort}`, ca: t.certs.ca }));
    await gw.uplink.start(new AbortController().signal);
    const c = centre;
    await c.waitFor(() => c.on('/status').length >= 1, 'birth over TLS');
    expect(gw.uplink.status().broker).toBe(`mqtts://127.0.0.1:${t.tlsPort}`);
  });

  it('connects with mutual TLS and is refused without a client certificate', async () => {
    const t = await tlsBroker(true);
    const broker = t.broker;
    const centre = await useCentre(broker.url);
    const causes: (string | undefined)[] = [];
    const without = useGateway(mqttConfig({ url: `mqtts://127.0.0.1:${t.tlsPort}`, ca: t.certs.ca }), {
      onLinkChange: (l) => causes.push(l.cause),
    });
    await without.uplink.start(new AbortController().signal);
    const gw = useGateway(
      mqttConfig({
        url: `mqtts://127.0.0.1:${t.tlsPort}`,
        ca: t.certs.ca,
        cert: t.certs.clientCert,
        key: t.certs.clientKey,
      }),
    );
    await gw.uplink.start(new AbortController().signal);
    const c = centre;
    await c.waitFor(() => c.on('/status').length >= 1, 'birth over mTLS');
    expect(without.uplink.connected).toBe(false);
    // Issue #12: the refused handshake is an uplink outage of cause tls_failure.
    expect(causes[0]).toBe('tls_failure');
    await without.dispose();
  });
});
