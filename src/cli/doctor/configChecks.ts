import fs from 'node:fs';
import { errorMessage } from '../../shared/errors.js';
import { controlRequest } from '../controlClient.js';
import { type Check, type CheckResult, fail, ok, warn } from './check.js';

export const configCheck: Check = async ({ config, configPath, configError }) => {
  if (config)
    return [ok('config', `${configPath}: valid (site ${config.site.id}, gateway ${config.gateway.id})`)];
  return [
    fail(
      'config',
      configError ?? `${configPath}: not loaded`,
      `fix the file (camgate config check ${configPath}) or pass --config PATH`,
    ),
  ];
};

/** Secret and TLS files named by the config: readable by us, not empty, not world-readable. Never their content. */
export const secretsCheck: Check = async ({ config }) => {
  if (!config) return [warn('secrets', 'skipped: configuration did not load', 'fix the configuration first')];
  const files = new Map<string, string>();
  config.credentials.forEach((c, i) => {
    if (c.passwordFile) files.set(c.passwordFile, `credentials[${i}].passwordFile`);
  });
  if (config.mqtt.passwordFile) files.set(config.mqtt.passwordFile, 'mqtt.passwordFile');
  if (config.mqtt.key) files.set(config.mqtt.key, 'mqtt.key');
  for (const f of ['ca', 'cert'] as const) {
    const file = config.mqtt[f];
    if (file) files.set(file, `mqtt.${f}`);
  }
  if (files.size === 0) return [ok('secrets', 'no secret files configured')];
  return [...files].map(([file, field]) => secretLine(file, field));
};

function secretLine(file: string, field: string): CheckResult {
  const name = `secret ${field}`;
  let stat: fs.Stats;
  try {
    fs.accessSync(file, fs.constants.R_OK);
    stat = fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? errorMessage(err);
    return fail(
      name,
      `${file}: not readable (${code})`,
      `create it, or give the camgate user read access: chmod 640 ${file}`,
    );
  }
  if (!stat.isFile()) return fail(name, `${file}: not a regular file`, `point ${field} at a file`);
  if (stat.size === 0) return fail(name, `${file}: empty`, `write the secret into ${file}`);
  const secret = field !== 'mqtt.ca' && field !== 'mqtt.cert';
  if (secret && (stat.mode & 0o004) !== 0) {
    return warn(
      name,
      `${file}: readable by every user (mode ${(stat.mode & 0o777).toString(8)})`,
      `chmod 640 ${file}`,
    );
  }
  return ok(name, `${file}: readable`);
}

interface StatusDoc {
  readonly version?: string;
  readonly startedAt?: string;
  readonly cameras?: readonly unknown[];
}

export const daemonCheck: Check = async ({ config, timeoutMs }) => {
  if (!config) return [warn('daemon', 'skipped: configuration did not load', 'fix the configuration first')];
  const socket = config.control.socket;
  try {
    const doc = (await controlRequest(socket, 'GET', '/status', undefined, timeoutMs)) as StatusDoc;
    const cams = doc.cameras?.length ?? 0;
    return [
      ok(
        'daemon',
        `running: camgate ${doc.version ?? '?'} since ${doc.startedAt ?? '?'}, ${cams} cameras (${socket})`,
      ),
    ];
  } catch (err) {
    return [
      warn('daemon', errorMessage(err), 'start it: systemctl start camgate (or camgate run --config PATH)'),
    ];
  }
};
