import { describe, expect, it } from 'vitest';
import { mqttConfig } from './helpers/gateway.js';
import { useBroker, useCentre, useGateway } from './helpers/rig.js';

describe('outbox drain failure', () => {
  // Regression: `void this.drainer.run(session)` — a database error while reading the backlog became
  // an unhandled rejection (a crash under Node's default, a silently dead drain otherwise).
  it('a database error in the drain is logged and the session is ended and retried, nothing unhandled', async () => {
    const broker = await useBroker();
    const c = await useCentre(broker.url);
    const g = useGateway(mqttConfig({ url: broker.url, protocolVersion: 5 }));
    await g.uplink.start(new AbortController().signal);
    const births = (): number =>
      c.on('/status').filter((m) => (m.json as { state: string }).state === 'online').length;
    await c.waitFor(() => births() >= 1, 'birth');
    // The database goes away under the live drain (the real SQLite error, not a stand-in).
    g.store.db.close();
    g.uplink.drainer.wake();
    await c.waitFor(
      () => g.lines.some((l) => l.includes('outbox drain failed')),
      'the drain failure in the log',
    );
    const line = g.lines.find((l) => l.includes('outbox drain failed')) ?? '';
    expect(line).toMatch(/database connection is not open/);
    // Ended and retried through the reconnect backoff (each retry fails while the database is gone).
    await c.waitFor(() => !g.uplink.connected, 'the session ended');
    await c.waitFor(
      () => g.lines.some((l) => l.includes('MQTT reconnect scheduled')),
      'a reconnect scheduled',
    );
  }, 60_000);
});
