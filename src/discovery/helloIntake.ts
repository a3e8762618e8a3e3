import type { Config } from '../config/schema.js';
import type { Clock } from '../shared/clock.js';
import type { Log } from '../shared/log.js';
import type { CameraRecord } from '../shared/types.js';
import { HelloGate, type HelloVerdict } from './helloGate.js';
import type { DiscoveredTarget } from './interrogate.js';

export interface HelloIntakeDeps {
  readonly clock: Clock;
  readonly log: Log;
  readonly config: Readonly<Config>;
  /** The active inventory now. */
  inventory(): CameraRecord[];
  /** True while a sweep runs: it will find the device itself. */
  sweeping(): boolean;
  /** Interrogates the device and applies the result as a partial sweep. */
  interrogate(target: DiscoveredTarget): Promise<void>;
}

/**
 * What discovery does with a WS-Discovery Hello from a device it does not know: nothing while a
 * sweep runs or while the inventory is at its cap (counted, and logged once per cap episode);
 * otherwise one interrogation, rate-limited per source and overall and one at a time per device.
 * A Hello flood on the camera LAN must not become an interrogation flood: each one sends
 * credentials.
 */
export class HelloIntake {
  private readonly gate: HelloGate;
  private capWarned = false;
  /** Hellos from new devices not interrogated because the cap held (not distinct: a flood counts). */
  private atCap = 0;

  constructor(private readonly deps: HelloIntakeDeps) {
    const h = deps.config.discovery.hello;
    this.gate = new HelloGate({
      perSourceMs: h.perSourceSeconds * 1000,
      globalPerMinute: h.perMinute,
      maxInFlight: h.maxInFlight,
    });
  }

  async onHello(target: DiscoveredTarget): Promise<void> {
    const inventory = this.deps.inventory();
    const known = inventory.some((c) => c.address === target.address && c.endpointRef === target.endpointRef);
    if (known || this.deps.sweeping()) return;
    const { maxCameras } = this.deps.config.discovery;
    if (inventory.length >= maxCameras) {
      if (!this.capWarned)
        this.deps.log.error({ maxCameras }, 'inventory cap reached; Hellos from new devices ignored');
      this.capWarned = true;
      this.atCap += 1;
      return;
    }
    const key = `${target.address}|${target.endpointRef ?? ''}`;
    const verdict = this.gate.admit(target.address, key, this.deps.clock.monotonic());
    if (verdict !== 'admit') {
      this.deps.log.debug({ address: target.address, verdict }, 'Hello not interrogated');
      return;
    }
    this.deps.log.info({ address: target.address }, 'WS-Discovery Hello from a new device');
    try {
      await this.deps.interrogate(target);
    } finally {
      this.gate.done(key);
    }
  }

  /** The cap cleared: the next episode is logged again. */
  capCleared(): void {
    this.capWarned = false;
  }

  verdicts(): Readonly<Record<HelloVerdict, number>> {
    return this.gate.stats();
  }

  ignoredAtCap(): number {
    return this.atCap;
  }
}
