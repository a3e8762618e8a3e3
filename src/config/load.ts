import fs from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { CamgateError, UsageError } from '../shared/errors.js';
import { type Config, configSchema } from './schema.js';

// Path resolution lives in the light module so `status` can use it without loading yaml and zod.
export { DEFAULT_CONFIG_PATH, resolveConfigPath } from './lightRead.js';

export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

export class ConfigError extends UsageError {
  readonly issues: readonly ConfigIssue[];

  constructor(file: string, issues: readonly ConfigIssue[]) {
    super(
      `${file}: invalid configuration\n${issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n')}`,
      'CONFIG_INVALID',
    );
    this.issues = issues;
  }
}

export function loadConfigFile(file: string): Readonly<Config> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(
      `${file}: cannot read configuration (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      'CONFIG_NOT_FOUND',
      {
        cause: err,
      },
    );
  }
  return parseConfigText(text, file);
}

export function parseConfigText(text: string, file = 'config'): Readonly<Config> {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({ path: '', message: `YAML: ${e.message.split('\n')[0]}` })),
    );
  }
  return validateConfig(doc.toJS({ maxAliasCount: 100 }) ?? {}, file);
}

export function validateConfig(raw: unknown, file = 'config'): Readonly<Config> {
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(file, formatIssues(result.error.issues));
  return deepFreeze(result.data);
}

function formatIssues(issues: readonly z.core.$ZodIssue[]): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ path: base ? `${base}.${key}` : key, message: 'unknown key' });
      }
      continue;
    }
    out.push({ path: base, message: issue.message });
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Reads a secret file; the message never includes the content. */
export function readSecretFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new CamgateError('CONFIG_NOT_FOUND', `cannot read secret file ${file}`, { cause: err });
  }
}
