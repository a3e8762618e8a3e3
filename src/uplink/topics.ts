/**
 * Topic schema v1 (ARCHITECTURE.md, a stable interface): `camgate/v1/{siteId}/{gatewayId}/...`.
 * Every topic the gateway publishes or subscribes to is built here and nowhere else.
 */
export interface Topics {
  readonly prefix: string;
  readonly status: string;
  readonly events: string;
  readonly metrics: string;
  readonly summary: string;
  cameraState(cameraId: string): string;
  /** Subscription filter for every command; `cmd/{name}`. */
  readonly cmdFilter: string;
  cmd(name: string): string;
  cmdResp(requestId: string): string;
  /** The command name when `topic` is one of ours, else undefined. */
  commandName(topic: string): string | undefined;
}

/** MQTT forbids wildcards and '/' would add levels; ids are validated upstream, this is a guard. */
function level(value: string): string {
  return value.replace(/[+#/]/g, '_');
}

export function topicsFor(siteId: string, gatewayId: string): Topics {
  const prefix = `camgate/v1/${level(siteId)}/${level(gatewayId)}/`;
  const cmdPrefix = `${prefix}cmd/`;
  return {
    prefix,
    status: `${prefix}status`,
    events: `${prefix}events`,
    metrics: `${prefix}metrics`,
    summary: `${prefix}summary`,
    cameraState: (cameraId) => `${prefix}cameras/${level(cameraId)}/state`,
    cmdFilter: `${cmdPrefix}+`,
    cmd: (name) => `${cmdPrefix}${level(name)}`,
    cmdResp: (requestId) => `${prefix}cmd-resp/${level(requestId)}`,
    commandName: (topic) => {
      if (!topic.startsWith(cmdPrefix)) return undefined;
      const name = topic.slice(cmdPrefix.length);
      return name.length > 0 && !name.includes('/') ? name : undefined;
    },
  };
}
