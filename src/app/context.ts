import type { Config } from '../config/schema.js';
import type { Clock } from '../shared/clock.js';
import type { EventBus } from '../shared/events.js';
import type { Log } from '../shared/log.js';
import type { Net } from '../shared/net.js';
import type { Store } from '../store/store.js';
import type { ControlServer } from './control.js';

/** The one `deps` object the composition root hands to every wiring function. */
export interface AppContext {
  readonly config: Readonly<Config>;
  readonly clock: Clock;
  readonly log: Log;
  readonly net: Net;
  readonly bus: EventBus;
  readonly store: Store;
  readonly control: ControlServer;
  readonly bootId: string;
  readonly version: string;
  readonly startedAt: number;
}
