import type { IClientPublishOptions, IPublishPacket } from 'mqtt';
import type { Clock } from '../shared/clock.js';
import { errorMessage } from '../shared/errors.js';
import type { Log } from '../shared/log.js';
import { type CommandReceipt, judgeExpiry } from './commandExpiry.js';
import { commandPayload } from './commandPayload.js';
import type { CommandPayload, CommandResponsePayload } from './payloads.js';
import type { Topics } from './topics.js';

export interface CommandContext {
  readonly requestId: string;
  readonly signal: AbortSignal;
}

/** A handler returns the `result` of an `ok` answer or throws for an `error` answer. */
export type CommandHandler = (
  args: Readonly<Record<string, unknown>>,
  ctx: CommandContext,
) => Promise<unknown>;

export type CommandHandlers = Readonly<Record<string, CommandHandler | undefined>>;

export interface ParsedCommand {
  readonly name: string;
  readonly payload: CommandPayload;
}

/** Extracts a requestId from a payload that failed validation, so the invalid answer can still be routed. */
function requestIdOf(raw: unknown): string | null {
  if (raw && typeof raw === 'object' && 'requestId' in raw) {
    const id = (raw as { requestId: unknown }).requestId;
    if (typeof id === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(id)) return id;
  }
  return null;
}

/**
 * Validates and runs one command. Never throws: every outcome is an answer. An expired command is
 * answered `expired` and not run (a queued `snapshot` from two days ago is worthless and a queued
 * `rediscover` would storm a site that just came back); `expiry` says which rule decided
 * (src/uplink/commandExpiry.ts).
 */
export async function runCommand(input: {
  readonly name: string;
  readonly body: Buffer;
  readonly handlers: CommandHandlers;
  readonly receipt: CommandReceipt;
  readonly clock: Pick<Clock, 'monotonic'>;
  readonly log: Log;
  readonly signal: AbortSignal;
}): Promise<CommandResponsePayload> {
  const ts = new Date(input.receipt.wallMs).toISOString();
  let raw: unknown;
  try {
    raw = JSON.parse(input.body.toString('utf8'));
  } catch (err) {
    return {
      requestId: null,
      command: input.name,
      status: 'invalid',
      error: `not JSON: ${errorMessage(err)}`,
      ts,
    };
  }
  const parsed = commandPayload.safeParse(raw);
  if (!parsed.success) {
    const error = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    return { requestId: requestIdOf(raw), command: input.name, status: 'invalid', error, ts };
  }
  const cmd = parsed.data;
  const verdict = judgeExpiry(cmd, input.receipt, input.clock.monotonic());
  const expiry = {
    rule: verdict.rule,
    wallClock: verdict.wallClock,
    ...(verdict.untrustedBecause ? { untrustedBecause: verdict.untrustedBecause } : {}),
  };
  const base = { requestId: cmd.requestId, command: input.name, expiry, ts };
  if (verdict.expired) {
    input.log.info({ command: input.name, requestId: cmd.requestId, ...expiry }, 'expired command not run');
    return { ...base, status: 'expired' };
  }
  const handler = input.handlers[input.name];
  if (!handler) return { ...base, status: 'unsupported' };
  try {
    const result = await handler(cmd.args, { requestId: cmd.requestId, signal: input.signal });
    return { ...base, status: 'ok', result: result ?? null };
  } catch (err) {
    input.log.warn({ err, command: input.name, requestId: cmd.requestId }, 'command failed');
    return { ...base, status: 'error', error: errorMessage(err) };
  }
}

/**
 * Where an answer goes: the MQTT 5 response topic (with its correlation data) when it lies under
 * our own prefix, else `cmd-resp/{requestId}`. A response topic elsewhere would be refused by the
 * broker's ACL, and the centre would wait for nothing.
 */
export function responseRoute(
  topics: Topics,
  packet: IPublishPacket,
  requestId: string | null,
): { topic: string; options: IClientPublishOptions } {
  const responseTopic = packet.properties?.responseTopic;
  const topic = responseTopic?.startsWith(topics.prefix)
    ? responseTopic
    : topics.cmdResp(requestId ?? 'invalid');
  const options: IClientPublishOptions = { qos: 1, retain: false };
  const correlationData = packet.properties?.correlationData;
  if (correlationData !== undefined) options.properties = { correlationData };
  return { topic, options };
}
