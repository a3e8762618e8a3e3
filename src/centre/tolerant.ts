import { z } from 'zod';

/**
 * A published payload's type as the centre reads it: every enum is any string (a newer gateway's
 * new picture reason, LPR status or camera class), and every object may carry more fields.
 */
export type Tolerant<T> = T extends string
  ? string
  : T extends readonly (infer U)[]
    ? Tolerant<U>[]
    : T extends object
      ? { [K in keyof T]: Tolerant<T[K]> } & { readonly [extra: string]: unknown }
      : T;

/**
 * The same schema, read the way a consumer of a versioned interface must (docs/mqtt.md:
 * "Consumers must accept unknown types and extra fields"), at every depth: objects pass extra
 * fields and enums take any string. Only the top level used to be loose, so one new field in a
 * 0.5 gateway's `picture`, `lpr` or `stream` object got the whole camera state rejected and the
 * camera stayed frozen at its last state in the centre. Types, nullability, required fields and
 * bounds are kept.
 */
export function tolerant<S extends z.ZodType>(schema: S): z.ZodType<Tolerant<z.output<S>>> {
  return widen(schema) as unknown as z.ZodType<Tolerant<z.output<S>>>;
}

function widen(s: z.ZodType): z.ZodType {
  if (s instanceof z.ZodObject) {
    const shape: Record<string, z.ZodType> = {};
    for (const [key, field] of Object.entries(s.shape as Record<string, z.ZodType>))
      shape[key] = widen(field);
    return z.looseObject(shape);
  }
  // Enum values are short tokens; a longer string is not a newer value but garbage.
  if (s instanceof z.ZodEnum) return z.string().min(1).max(64);
  if (s instanceof z.ZodOptional) return widen(s.unwrap() as z.ZodType).optional();
  if (s instanceof z.ZodNullable) return widen(s.unwrap() as z.ZodType).nullable();
  if (s instanceof z.ZodArray) return z.array(widen(s.element as z.ZodType));
  if (s instanceof z.ZodDefault) return widen(s.unwrap() as z.ZodType).default(s.def.defaultValue as never);
  if (s instanceof z.ZodRecord) return z.record(z.string(), widen(s.valueType as z.ZodType));
  return s;
}
