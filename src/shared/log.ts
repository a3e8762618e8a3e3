import { type DestinationStream, type Logger, pino } from 'pino';
import { redactText } from './redact.js';

export type Log = Logger;

const REDACT_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'passwordFile',
  'authorization',
  'headers.authorization',
  '*.headers.authorization',
  'req.headers.authorization',
  'key',
  '*.key',
];

/**
 * Structured JSON logs. Paths that hold secrets are censored, and every string value passes
 * through `redactText` so a URL with `user:pass@` or an Authorization header inside an error
 * message never reaches the log.
 */
export function createLog(
  options: { level?: string; name?: string } = {},
  destination?: DestinationStream,
): Log {
  return pino(
    {
      name: options.name ?? 'camgate',
      level: options.level ?? process.env.CAMGATE_LOG_LEVEL ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '***' },
      formatters: {
        log: (obj) => scrub(obj) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? redactText(a) : a)) as typeof args;
          method.apply(this, scrubbed);
        },
      },
      serializers: {
        err: (err: unknown) => scrubError(err),
      },
    },
    destination ?? pino.destination({ fd: 2, sync: false }),
  );
}

function scrubError(err: unknown): unknown {
  if (!(err instanceof Error)) return scrub(err);
  const out: Record<string, unknown> = {
    type: err.name,
    message: redactText(err.message),
    stack: err.stack ? redactText(err.stack) : undefined,
  };
  const code = (err as { code?: unknown }).code;
  if (code !== undefined) out.code = code;
  if (err.cause !== undefined) out.cause = scrubError(err.cause);
  return out;
}

function scrub(value: unknown, depth = 0): unknown {
  if (depth > 6) return value;
  if (typeof value === 'string') return redactText(value);
  if (value instanceof Error) return scrubError(value);
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = scrub(v, depth + 1);
    return out;
  }
  return value;
}

/** A logger that drops everything; for unit tests of pure-ish code. */
export function silentLog(): Log {
  return pino({ level: 'silent' });
}
