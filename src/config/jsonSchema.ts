import { z } from 'zod';
import { configSchema } from './schema.js';

/** The JSON Schema published as `config/camgate.schema.json` (input shape: defaults optional). */
export function configJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://camgate.invalid/schema/camgate.schema.json',
    title: 'camgate configuration',
    ...z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }),
  };
}
