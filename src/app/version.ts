import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function readVersion(): string {
  for (const candidate of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = require(candidate) as { name?: string; version?: string };
      if (pkg.name === 'camgate' && pkg.version) return pkg.version;
    } catch {
      // Not at this depth: source (src/app) and build (dist/src/app) differ by one level.
    }
  }
  return '0.0.0';
}

export const VERSION = readVersion();
