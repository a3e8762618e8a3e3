/**
 * Lifecycle of every long-running part (zigbee2mqtt's extension shape): constructors only assign,
 * `start` begins work and resolves once the service is usable, `stop` releases everything.
 * A stopped service is replaced, never restarted.
 */
export interface Service {
  readonly name: string;
  start(signal: AbortSignal): Promise<void>;
  stop(): Promise<void>;
}
