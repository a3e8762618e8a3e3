import { z } from 'zod';
import { PAYLOAD_SCHEMAS } from './payloads.js';

/** Payloads the centre sends to us are documented as input (defaults optional); ours as output. */
const INBOUND = new Set<string>(['command']);

/**
 * JSON Schema (draft 2020-12) per payload, generated from the zod schemas so the documentation
 * and the runtime cannot disagree. Written to docs/schemas/<name>.json.
 */
export function payloadJsonSchemas(): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, schema] of Object.entries(PAYLOAD_SCHEMAS)) {
    const json = z.toJSONSchema(schema, { io: INBOUND.has(name) ? 'input' : 'output' }) as Record<
      string,
      unknown
    >;
    out[name] = { $id: `https://camgate.example/schemas/mqtt/v1/${name}.json`, title: name, ...json };
  }
  return out;
}
