/**
 * Reconnect storm (run: `npx tsx bench/reconnectStorm.ts [gateways] [windowSeconds] [downSeconds]`,
 * default 2000 30 3): that many gateway connections, each our real BrokerConnection (the module the
 * uplink uses, with its ReconnectPolicy) on its own mqtt.js client, against a real Mosquitto that
 * restarts once every session is stable. Counts the CONNECTs Mosquitto logs per second after it
 * comes back and prints the histogram; exits 1 when a second holds more than 5 % of the gateways.
 * `windowSeconds` 0.5 approximates the old policy (500 ms ± 50 % after a stable session).
 */

import { systemClock } from '../src/shared/clock.js';
import { silentLog } from '../src/shared/log.js';
import { BrokerConnection } from '../src/uplink/connection.js';
import { STABLE_SESSION_MS } from '../src/uplink/reconnectPolicy.js';
import { Broker } from '../test/uplink/helpers/mosquitto.js';

const gateways = Number(process.argv[2] ?? '2000');
const windowS = Number(process.argv[3] ?? '30');
const downS = Number(process.argv[4] ?? '3');
const say = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

const broker = await Broker.start({ persistence: false, extra: () => ['max_connections -1'] });
let connected = 0;
const conns: BrokerConnection[] = [];
try {
  for (let i = 0; i < gateways; i += 1) {
    const conn = new BrokerConnection({
      clock: systemClock,
      log: silentLog(),
      urls: [broker.url],
      options: () => ({
        clientId: `storm-gw-${i}`,
        protocolVersion: 5,
        clean: true,
        keepalive: 120,
        reconnectPeriod: 0,
        connectTimeout: 30_000,
      }),
      onSession: () => {
        connected += 1;
      },
      onDown: () => {
        connected -= 1;
      },
      reconnectWindowMs: windowS * 1000,
    });
    conns.push(conn);
    conn.start();
    // Staggered start (not measured): 200 per second.
    if (i % 20 === 19) await systemClock.sleep(100);
  }
  await until(() => connected === gateways, 120_000, 'all connected');
  say(`${gateways} connected; waiting for the sessions to be stable`);
  await systemClock.sleep(STABLE_SESSION_MS + 2000);
  await broker.stop();
  const downAt = Math.floor(Date.now() / 1000);
  say(`broker stopped at ${downAt}; down ${downS} s`);
  await systemClock.sleep(downS * 1000);
  const logFrom = broker.stderr.length;
  await broker.launch();
  const upAt = Math.floor(Date.now() / 1000);
  await until(() => connected === gateways, (windowS * 3 + 120) * 1000, 'all reconnected');
  const perSecond = new Map<number, number>();
  for (const chunk of broker.stderr.slice(logFrom)) {
    for (const line of chunk.split('\n')) {
      const m = line.match(/^(\d+): New client connected/);
      if (m) perSecond.set(Number(m[1]), (perSecond.get(Number(m[1])) ?? 0) + 1);
    }
  }
  const seconds = [...perSecond.keys()].sort((a, b) => a - b);
  const last = seconds[seconds.length - 1] ?? upAt;
  const histogram = Array.from({ length: last - upAt + 1 }, (_, i) => perSecond.get(upAt + i) ?? 0);
  const total = histogram.reduce((a, b) => a + b, 0);
  const max = Math.max(...histogram);
  const result = {
    gateways,
    windowSeconds: windowS,
    brokerDownSeconds: downS,
    connectsAfterRestart: total,
    secondsToAllReconnected: histogram.length,
    maxConnectsInOneSecond: max,
    maxSharePct: Math.round((max / gateways) * 1000) / 10,
    histogram,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exitCode = max > gateways * 0.05 ? 1 : 0;
} finally {
  await Promise.all(conns.map((c) => c.stop()));
  await broker.dispose();
}

async function until(pred: () => boolean, ms: number, what: string): Promise<void> {
  const end = systemClock.monotonic() + ms;
  while (!pred()) {
    if (systemClock.monotonic() > end) throw new Error(`timed out: ${what} (${connected}/${gateways})`);
    await systemClock.sleep(200);
  }
}
