import fs from 'node:fs';
import { isSeq, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { UsageError } from '../shared/errors.js';
import { CAMERA_CLASSES, type CameraClass } from '../shared/types.js';
import { parseCsv } from './csv.js';

/**
 * The site registry the centre maintains: which sites exist, where, what was planned, and who
 * holds the comms contract. It turns gateway reports into the region figure; a registered site
 * that never reported counts as "never connected".
 */

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const count = z.coerce.number().int().min(0).max(10_000).default(0);

/** YYYY-MM-DD that names a real day (Date.parse rolls 2026-02-30 over to March; month 13 is NaN). */
export function isCalendarDate(d: string): boolean {
  if (!DATE.test(d)) return false;
  const ms = Date.parse(`${d}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === d;
}

export const siteSchema = z.strictObject({
  id: z
    .string({ error: 'required' })
    .regex(ID, "must be 1-64 letters, digits, '.', '_' or '-' (the site id in MQTT topics)"),
  name: z.string({ error: 'required' }).min(1, 'required').max(200),
  region: z.string({ error: 'required' }).min(1, 'required').max(100),
  district: z.string().max(100).default(''),
  kind: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be a lower-case word such as school, street, crossing'),
  planned: z.strictObject({ overview: count, panoramic: count, lpr: count }).default({
    overview: 0,
    panoramic: 0,
    lpr: 0,
  }),
  commsProvider: z.string().max(100).default(''),
  contractEnd: z
    .string()
    .regex(DATE, 'must be a date YYYY-MM-DD')
    .refine(isCalendarDate, 'not a calendar date')
    .nullable()
    .default(null)
    .describe('last day the comms contract covers'),
  contractor: z.string().max(200).default(''),
});
export type Site = z.infer<typeof siteSchema>;

export interface Registry {
  readonly sites: readonly Site[];
  readonly byId: ReadonlyMap<string, Site>;
}

export interface RegistryIssue {
  readonly line: number;
  readonly field: string;
  readonly message: string;
}

export class RegistryError extends UsageError {
  constructor(
    readonly file: string,
    readonly issues: readonly RegistryIssue[],
  ) {
    const lines = issues.slice(0, 50).map((i) => `  line ${i.line}: ${i.field || '(row)'}: ${i.message}`);
    const more = issues.length > 50 ? [`  … and ${issues.length - 50} more`] : [];
    super(`${file}: invalid site registry\n${[...lines, ...more].join('\n')}`, 'CONFIG_INVALID');
  }
}

/** CSV columns: snake_case as a spreadsheet has them; `planned_<class>` per camera class. */
const CSV_COLUMNS: Record<string, string> = {
  id: 'id',
  name: 'name',
  region: 'region',
  district: 'district',
  kind: 'kind',
  comms_provider: 'commsProvider',
  contract_end: 'contractEnd',
  contractor: 'contractor',
  ...Object.fromEntries(CAMERA_CLASSES.map((c) => [`planned_${c}`, `planned.${c}`])),
};

export function loadRegistry(file: string): Registry {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`${file}: cannot read site registry (${code})`, 'CONFIG_NOT_FOUND', { cause: err });
  }
  return /\.csv$/i.test(file) ? parseRegistryCsv(text, file) : parseRegistryYaml(text, file);
}

export function parseRegistryCsv(text: string, file = 'registry.csv'): Registry {
  let records: ReturnType<typeof parseCsv>;
  try {
    records = parseCsv(text);
  } catch (err) {
    const m = /^line (\d+): (.*)$/.exec((err as Error).message);
    throw new RegistryError(file, [{ line: Number(m?.[1] ?? 1), field: '', message: m?.[2] ?? 'bad CSV' }]);
  }
  const [header, ...rows] = records;
  if (!header) return build([], file);
  const issues: RegistryIssue[] = [];
  const columns = header.fields.map((h) => h.trim().toLowerCase());
  columns.forEach((c) => {
    if (!(c in CSV_COLUMNS)) issues.push({ line: header.line, field: c, message: 'unknown column' });
  });
  for (const required of ['id', 'name', 'region', 'kind']) {
    if (!columns.includes(required))
      issues.push({ line: header.line, field: required, message: 'missing column' });
  }
  if (issues.length > 0) throw new RegistryError(file, issues);
  const raw = rows.map((r) => {
    if (r.fields.length !== columns.length) {
      issues.push({
        line: r.line,
        field: '',
        message: `${r.fields.length} fields, header has ${columns.length}`,
      });
    }
    const obj: Record<string, unknown> = { planned: {} };
    columns.forEach((c, i) => {
      const value = (r.fields[i] ?? '').trim();
      const key = CSV_COLUMNS[c]!;
      if (value === '') return; // an empty cell takes the default
      if (key.startsWith('planned.')) (obj.planned as Record<string, unknown>)[key.slice(8)] = value;
      else obj[key] = value;
    });
    return { line: r.line, value: obj };
  });
  if (issues.length > 0) throw new RegistryError(file, issues);
  return build(raw, file);
}

export function parseRegistryYaml(text: string, file = 'registry.yaml'): Registry {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = lineCounter.linePos(e.pos[0]).line;
    throw new RegistryError(file, [{ line, field: '', message: `YAML: ${e.message.split('\n')[0]}` }]);
  }
  const top = doc.get('sites', true);
  if (!isSeq(top))
    throw new RegistryError(file, [{ line: 1, field: 'sites', message: 'must be a list of sites' }]);
  const raw = top.items.map((item) => {
    const offset = (item as { range?: [number, number, number] }).range?.[0] ?? 0;
    return { line: lineCounter.linePos(offset).line, value: (item as { toJSON(): unknown }).toJSON() };
  });
  return build(raw, file);
}

function build(raw: ReadonlyArray<{ line: number; value: unknown }>, file: string): Registry {
  const issues: RegistryIssue[] = [];
  const sites: Site[] = [];
  const byId = new Map<string, Site>();
  const firstLine = new Map<string, number>();
  for (const { line, value } of raw) {
    const result = siteSchema.safeParse(value);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
        for (const key of keys) {
          const field = [...issue.path.map(String), ...(key ? [key] : [])].join('.');
          issues.push({ line, field, message: key ? 'unknown key' : issue.message });
        }
      }
      continue;
    }
    const seen = firstLine.get(result.data.id);
    if (seen !== undefined) {
      issues.push({
        line,
        field: 'id',
        message: `duplicate site id '${result.data.id}' (first on line ${seen})`,
      });
      continue;
    }
    firstLine.set(result.data.id, line);
    const site = Object.freeze(result.data);
    sites.push(site);
    byId.set(site.id, site);
  }
  if (issues.length > 0) throw new RegistryError(file, issues);
  return { sites, byId };
}

export function plannedTotal(site: Site): number {
  return CAMERA_CLASSES.reduce((n, c: CameraClass) => n + site.planned[c], 0);
}
