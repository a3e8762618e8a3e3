import type { MqttConfig } from '../../../src/uplink/clientOptions.js';
import type { UplinkDeps } from '../../../src/uplink/uplinkService.js';
import { deferCleanup } from '../../helpers/testCleanup.js';
import { Centre } from './centre.js';
import { makeGateway, type TestGateway } from './gateway.js';
import { Broker, type BrokerOptions } from './mosquitto.js';

/**
 * The uplink test rig: each starter registers its own cleanup for the end of the test (or file,
 * from `beforeAll`), so a test file needs no fields and no `afterEach`. The broker is disposed
 * before everything else (only a gateway on an injected clock goes before it, see `useGateway`):
 * it is the process that must never outlive the test.
 */

/** A real Mosquitto on 127.0.0.1 (see `Broker.start`), disposed first when the test ends. */
export async function useBroker(options: BrokerOptions & { extraPortCount?: number } = {}): Promise<Broker> {
  const broker = await Broker.start(options);
  deferCleanup(() => broker.dispose(), { first: true });
  return broker;
}

/** The operations centre (see `Centre.connect`), closed when the test ends. */
export async function useCentre(...args: Parameters<typeof Centre.connect>): Promise<Centre> {
  const centre = await Centre.connect(...args);
  deferCleanup(() => centre.close());
  return centre;
}

/**
 * A gateway's uplink over a temp store (see `makeGateway`), not started; disposed when the test
 * ends. One on an injected clock is disposed before the broker: its stop waits up to 3 s for the
 * PUBACK of `offline` on that clock, a FakeClock never fires that timeout, and with the broker
 * gone first a loaded box hung the hook for 30 s (heartbeat.test.ts, issue #11).
 */
export function useGateway(mqtt: MqttConfig, patch: Partial<UplinkDeps> = {}, dir?: string): TestGateway {
  const gateway = dir === undefined ? makeGateway(mqtt, patch) : makeGateway(mqtt, patch, dir);
  deferCleanup(() => gateway.dispose(), { first: patch.clock !== undefined });
  return gateway;
}
