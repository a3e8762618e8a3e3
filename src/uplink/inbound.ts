import type { IClientPublishOptions, IPublishPacket } from 'mqtt';
import type { Clock } from '../shared/clock.js';
import type { Log } from '../shared/log.js';
import type { CentreState } from '../shared/types.js';
import { parseCentreState } from './centreState.js';
import type { MqttConfig } from './clientOptions.js';
import { type CommandHandlers, responseRoute, runCommand } from './commands.js';
import type { Session } from './connection.js';
import type { Topics } from './topics.js';

export interface InboundDeps {
  readonly topics: Topics;
  readonly mqtt: MqttConfig;
  readonly clock: Clock;
  readonly log: Log;
  /** Every command the gateway answers (`rebirth` included); the rest are `unsupported`. */
  readonly handlers: CommandHandlers;
  /** Aborted when the uplink stops: running commands give up. */
  readonly signal: AbortSignal;
  readonly onCentreState: (state: CentreState) => void;
  /** Sends on the current session (nothing without one). */
  readonly send: (topic: string, payload: string, opts: IClientPublishOptions) => void;
}

/**
 * What the broker sends a session: commands from the centre (answered on their response topic)
 * and the centre's own retained state. Subscribes the session and routes its messages.
 */
export function listen(session: Session, deps: InboundDeps): void {
  session.client.on('message', (topic, body, packet) => onMessage(deps, session, topic, body, packet));
  const filters = [deps.topics.cmdFilter];
  const centreTopic = deps.mqtt.centreStateTopic;
  if (centreTopic !== undefined) filters.push(centreTopic);
  session.client.subscribe(filters, { qos: 1 }, (err, granted) => {
    if (err) {
      deps.log.warn({ err, filters }, 'subscribe failed');
      return;
    }
    for (const g of granted ?? []) {
      if (g.qos >= 0x80)
        deps.log.error({ topic: g.topic, reasonCode: g.qos }, 'broker refused a subscription (ACL?)');
    }
  });
}

function onMessage(
  deps: InboundDeps,
  session: Session,
  topic: string,
  body: Buffer,
  packet: IPublishPacket,
): void {
  if (topic === deps.mqtt.centreStateTopic) {
    deps.onCentreState(parseCentreState(body));
    return;
  }
  const name = deps.topics.commandName(topic);
  if (name === undefined) return;
  const { clock } = deps;
  runCommand({
    name,
    body,
    handlers: deps.handlers,
    receipt: {
      wallMs: clock.now(),
      monoMs: clock.monotonic(),
      messageExpirySeconds: packet.properties?.messageExpiryInterval,
    },
    clock,
    log: deps.log,
    signal: deps.signal,
  })
    .then((answer) => {
      if (session.closed.aborted) return;
      const { topic: target, options } = responseRoute(deps.topics, packet, answer.requestId);
      deps.send(target, JSON.stringify(answer), options);
    })
    .catch((err: unknown) => {
      // runCommand answers every outcome; only building or sending the answer can land here.
      deps.log.error({ err, command: name }, 'command answer not sent');
    });
}
