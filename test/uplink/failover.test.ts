import { describe, expect, it } from 'vitest';
import type { CamgateEvents } from '../../src/shared/events.js';
import { mqttConfig } from './helpers/gateway.js';
import { freePort } from './helpers/mosquitto.js';
import { useBroker, useCentre, useGateway } from './helpers/rig.js';

describe('broker list', () => {
  it('tries url, then urls in turn, and reports link changes', async () => {
    const broker = await useBroker();
    const centre = await useCentre(broker.url);
    const dead = `mqtt://127.0.0.1:${await freePort()}`;
    const links: Array<{ connected: boolean }> = [];
    const gw = useGateway(mqttConfig({ url: dead, urls: [broker.url] }), {
      onLinkChange: (l) => links.push({ connected: l.connected }),
    });
    await gw.uplink.start(new AbortController().signal);
    const g = gw;
    const c = centre;
    await c.waitFor(() => c.on('/status').length >= 1, 'birth via the second broker');
    expect(g.uplink.status().broker).toBe(broker.url);
    expect(g.lines.some((l) => l.includes('ECONNREFUSED'))).toBe(true);
    // The failed attempt on the dead first broker is reported too (issue #12: a link that has not
    // come up since boot is an uplink outage), then the session via the second, then its loss.
    const changesOf = () => links.filter((l, i) => i === 0 || l.connected !== links[i - 1]?.connected);
    await broker.stop();
    // The first "down" is the dead broker's: wait for the loss that follows the session.
    await c.waitFor(() => changesOf().length >= 3, 'link down reported after the session');
    const changes = changesOf();
    expect(changes.slice(0, 3)).toEqual<Pick<CamgateEvents['uplink.state'], 'connected'>[]>([
      { connected: false },
      { connected: true },
      { connected: false },
    ]);
  });
});
