import fs from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { UsageError } from '../shared/errors.js';

/** `centre.yaml`: the operations centre's own configuration (strict, like the gateway's). */

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const mqtt = z.strictObject({
  url: z
    .string()
    .regex(/^mqtts?:\/\//, 'must be mqtt:// or mqtts://')
    .describe('broker URL'),
  clientId: z
    .string()
    .regex(ID)
    .default('camgate-centre')
    .describe('fixed client id: the broker keeps this persistent session while the centre restarts'),
  username: z.string().min(1).max(128).optional(),
  passwordFile: z.string().min(1).optional().describe('file holding the broker password'),
  ca: z.string().min(1).optional().describe('PEM CA file for mqtts://'),
  sessionExpirySeconds: z
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .default(7 * 86_400),
  shareGroup: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional()
    .describe('subscribe events through $share/<group>/ so several centre workers split the load'),
});

const store = z
  .strictObject({
    driver: z.enum(['sqlite', 'postgres']).default('sqlite'),
    path: z.string().min(1).default('/var/lib/camgate-centre/centre.db').describe('SQLite file'),
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\//)
      .optional()
      .describe('PostgreSQL URL (driver: postgres)'),
    passwordFile: z.string().min(1).optional().describe('file holding the PostgreSQL password'),
  })
  .refine((s) => s.driver !== 'postgres' || s.url !== undefined, {
    message: 'url is required with driver: postgres',
    path: ['url'],
  });

const http = z.strictObject({
  bind: z.string().default('127.0.0.1').describe('loopback by default; put TLS and auth in a reverse proxy'),
  port: z.number().int().min(0).max(65_535).default(8480).describe('0 picks a free port'),
});

export const centreConfigSchema = z.strictObject({
  mqtt,
  registry: z.string().min(1).describe('site registry, .csv or .yaml'),
  store: store.default({ driver: 'sqlite', path: '/var/lib/camgate-centre/centre.db' }),
  http: http.default({ bind: '127.0.0.1', port: 8480 }),
  figures: z
    .strictObject({
      contractWarningDays: z.number().int().min(0).max(3650).default(30),
      snapshotSeconds: z
        .number()
        .int()
        .min(1)
        .max(3600)
        .default(60)
        .describe('how often today is snapshotted'),
    })
    .default({ contractWarningDays: 30, snapshotSeconds: 60 }),
  retention: z
    .strictObject({
      rawDays: z
        .number()
        .int()
        .min(0)
        .max(36_500)
        .default(0)
        .describe(
          'days of raw history (state logs, events) kept; older rows are pruned daily, the daily figures are kept for ever. 0: keep everything',
        ),
    })
    .default({ rawDays: 0 }),
  log: z.strictObject({ level: z.enum(['debug', 'info', 'warn', 'error']).default('info') }).default({
    level: 'info',
  }),
});
export type CentreConfig = z.infer<typeof centreConfigSchema>;

export const DEFAULT_CENTRE_CONFIG = '/etc/camgate/centre.yaml';

export function loadCentreConfig(file: string): Readonly<CentreConfig> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`${file}: cannot read configuration (${code})`, 'CONFIG_NOT_FOUND', { cause: err });
  }
  const config = parseCentreConfig(text, file);
  // Relative paths are relative to the config file, so a demo directory can be moved whole.
  const dir = path.dirname(file);
  const abs = (p: string): string => path.resolve(dir, p);
  return Object.freeze({
    ...config,
    registry: abs(config.registry),
    store: { ...config.store, path: abs(config.store.path) },
  });
}

export function parseCentreConfig(text: string, file = 'centre.yaml'): CentreConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = lineCounter.linePos(e.pos[0]).line;
    throw new UsageError(`${file}: line ${line}: YAML: ${e.message.split('\n')[0]}`, 'CONFIG_INVALID');
  }
  const result = centreConfigSchema.safeParse(doc.toJS() ?? {});
  if (result.success) return result.data;
  const lines = result.error.issues.flatMap((issue) => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((k) => `  ${base ? `${base}.` : ''}${k}: unknown key`);
    return [`  ${base || '(root)'}: ${issue.message}`];
  });
  throw new UsageError(`${file}: invalid centre configuration\n${lines.join('\n')}`, 'CONFIG_INVALID');
}
