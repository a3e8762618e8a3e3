import { z } from 'zod';
import { CAMERA_CLASSES } from '../../shared/types.js';

/**
 * The document `camgate report --json` writes (render/json.ts), as a zod schema so its JSON Schema
 * (docs/schemas/report.json) and the output cannot disagree: test/report/jsonSchema.test.ts
 * parses real output with it. A stable interface: fields are only ever added.
 */
const ms = z.number().describe('milliseconds');
const pct = z.number().nullable().describe('0-100, null when nothing was observed');
const iso = z.string().describe('ISO-8601 UTC');

const breakdown = z.strictObject({
  upMs: ms,
  downMs: ms,
  unknownMs: ms,
  maintenanceMs: ms,
  pct,
});

const group = z.strictObject({
  planned: z.number().nullable(),
  installed: z.number(),
  missing: z.number().nullable(),
  cameras: z.number(),
  uptimePct: pct,
  integratedPct: pct,
  recordingPct: pct,
  outageCount: z.number(),
  restoredCameras: z.number(),
  replaced: z.number().nullable(),
  pictureDegradedMs: ms.nullable().describe('picture-degraded time of the group; null: not tracked'),
  lprNoReadsMs: ms.nullable().describe('lpr_no_reads time of the group; null: not tracked'),
});

const camera = z.strictObject({
  id: z.string(),
  class: z.enum(CAMERA_CLASSES),
  uptimePct: pct,
  integratedPct: pct,
  recordingPct: pct,
  outageCount: z.number(),
  longestOutageMs: ms.nullable(),
  mttrMs: ms.nullable(),
  restored: z.boolean(),
  replaced: z.number().nullable(),
  installedAtEnd: z.boolean(),
  uptime: breakdown,
  integrated: breakdown,
  recording: breakdown.nullable(),
  timeline: z.array(
    z.strictObject({ from: iso, to: iso, state: z.enum(['up', 'down', 'unknown', 'maintenance', 'absent']) }),
  ),
  picture: z
    .strictObject({
      degradedMs: ms,
      byReasonMs: z.record(z.string(), ms).describe('per picture reason; reasons may overlap'),
    })
    .nullable()
    .describe('time the picture checks held the camera degraded (not integrated); null: not tracked'),
  lprNoReadsMs: ms
    .nullable()
    .describe('time an LPR camera read no plates (integrated); null: not LPR or not tracked'),
});

export const reportDocument = z.strictObject({
  site: z.strictObject({ id: z.string(), name: z.string() }),
  from: iso,
  to: iso,
  generatedAt: iso,
  total: group,
  classes: z.strictObject(
    Object.fromEntries(CAMERA_CLASSES.map((k) => [k, group])) as Record<
      (typeof CAMERA_CLASSES)[number],
      typeof group
    >,
  ),
  replaced: z.union([
    z.strictObject({ tracked: z.literal(false), note: z.string() }),
    z.strictObject({ tracked: z.literal(true), since: iso.nullable(), total: z.number(), note: z.string() }),
  ]),
  uplink: z.strictObject({
    availabilityPct: pct,
    outageCount: z.number(),
    longestOutageMs: ms.nullable(),
    downMsByCause: z.record(z.string(), ms),
    availability: breakdown,
  }),
  cameras: z.array(camera),
});

/** JSON Schema (draft 2020-12) of the report document, written to docs/schemas/report.json. */
export function reportJsonSchema(): Record<string, unknown> {
  const json = z.toJSONSchema(reportDocument, { io: 'output' }) as Record<string, unknown>;
  return { $id: 'https://camgate.example/schemas/report/v1/report.json', title: 'report', ...json };
}
